"""Domino's dataset objects as its documents describe them, written by hand.

Sources:
    5.0    api-docs swagger-5-0.json at commit 3993089 (Domino 5.0's v4 OpenAPI):
           components/schemas domino.datasetrw.api.DatasetRwDto, DatasetRwViewDto,
           DatasetRwSnapshotDto, DatasetRwProjectMountDto, domino.datasetrw.web.
           CreateDatasetRequest, CreateSnapshotRequest
    pd     python-domino (domino/domino.py datasets_list, datasets_create, datasets_details;
           tests/test_datasets.py): its `/dataset` routes, whose answers it describes only
           by the fields its tests read
"""

from __future__ import annotations

from .shapes import BOOL, INT, STR, Field, arr, enum, obj, open_obj, req

LIFECYCLE = enum("Pending", "Deleted", "DeletionInProgress", "Failed", "Active",
                 "MarkedForDeletion")
NULLABLE_STR = Field(STR, nullable=True)
NULLABLE_INT = Field(INT, nullable=True)
TAGS = open_obj()  # a map of tag name -> snapshot id

# 5.0 CreateDatasetRequest; pd datasets_create sends the same three fields
CREATE_DATASET_REQUEST = obj(datasetName=req(STR), description=NULLABLE_STR,
                             projectId=req(STR))
# 5.0 CreateSnapshotRequest
CREATE_SNAPSHOT_REQUEST = obj(relativeFilePaths=req(arr(STR)), datasetId=req(STR))

# 5.0 DatasetRwDto
DATASET_RW = obj(
    id=req(STR), name=req(STR), description=NULLABLE_STR, projectId=NULLABLE_STR,
    author=NULLABLE_STR, snapshotIds=req(arr(STR)), readWriteSnapshotId=req(STR),
    tags=req(TAGS), createdTime=req(INT), lifecycleStatus=req(LIFECYCLE),
    statusLastUpdatedBy=req(STR), statusLastUpdatedTime=req(INT), datasetPath=req(STR),
)
# 5.0 DatasetRwViewDto (createDataset's answer)
DATASET_RW_VIEW = obj(
    id=req(STR), name=req(STR), description=NULLABLE_STR, projectId=NULLABLE_STR,
    projectOwner=req(STR), projectName=req(STR), snapshotIds=req(arr(STR)), tags=req(TAGS),
    createdTime=req(INT),
)
# 5.0 DatasetRwSnapshotDto
SNAPSHOT = obj(
    id=req(STR), resourceId=req(STR), datasetId=req(STR), author=NULLABLE_STR,
    version=req(INT), description=NULLABLE_STR, creationTime=req(INT),
    lifecycleStatus=req(LIFECYCLE), statusLastUpdatedBy=req(STR),
    statusLastUpdatedTime=req(INT), storageSize=req(INT), isPartialSize=req(BOOL),
    lastUsedTime=NULLABLE_INT, isReadWrite=req(BOOL),
)
# 5.0 DatasetRwProjectMountDto
PROJECT_MOUNT = obj(
    datasetId=req(STR), snapshotId=req(STR), versionNumber=NULLABLE_INT, name=req(STR),
    description=NULLABLE_STR, ownerProjectId=NULLABLE_STR,
    ownerProjectOwnerUsername=req(STR), ownerProjectName=req(STR), storageSize=NULLABLE_INT,
    isPartialSize=req(BOOL), availableVersions=req(INT), mountPathsForProject=req(arr(STR)),
)
# pd: the fields its tests read of a dataset (live: description; mocked: datasetDescription)
DATASET_PD = open_obj(
    datasetId=req(STR), datasetName=req(STR), description=NULLABLE_STR,
    datasetDescription=NULLABLE_STR, projectId=STR,
)
