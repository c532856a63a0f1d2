"""Background tasks on the `video` queue: thin wrappers that hand a job id to the pipeline."""

from django_tasks import task

from . import pipeline


@task(queue_name="video")
def run_video_job(job_id):
    pipeline.run_job(job_id)
