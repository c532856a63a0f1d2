import pytest


@pytest.fixture(autouse=True)
def private_video_root(isolated_video_storage):
    """Every video test gets its own video storage and work folder."""


@pytest.fixture
def s3_video_storage(s3_endpoint, settings, request):
    """Point the `videos` storage at a fresh bucket on the SeaweedFS server."""
    from django.core.files.storage import storages

    from tests import seaweedfs

    bucket = f"videos-{request.node.name[:30].replace('_', '-').lower()}"
    seaweedfs.client(s3_endpoint).create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "videos": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
                "access_key": seaweedfs.ACCESS_KEY, "secret_key": seaweedfs.SECRET_KEY,
                "addressing_style": "path", "signature_version": "s3v4", "default_acl": None,
                "querystring_auth": True, "file_overwrite": True,
            },
        },
    }  # fmt: skip
    storages._storages = {}
    return seaweedfs.client(s3_endpoint), bucket


@pytest.fixture
def tasks_held(settings):
    """Enqueued tasks are recorded, not run: the test runs each job itself, in the order it wants."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "video"]}}
