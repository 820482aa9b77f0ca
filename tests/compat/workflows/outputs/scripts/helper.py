def repeat(text: str, times: int) -> str:
    return text * times
