"""The local Domino's HTTP API: the FastAPI app (app.py), the route table (route_table.py),
request handling per family (*_api.py), the answer shapes per family (*_shapes.py), request
validation, auth, API flavors and the traffic recorder."""
