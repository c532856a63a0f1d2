"""A lease in the database, so one scheduler run at a time happens across every machine."""

from datetime import timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone


class SchedulerLease(models.Model):
    name = models.CharField(max_length=100, primary_key=True)
    holder = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "columns_schedulerlease"  # created by the columns app before the scheduler moved here

    def __str__(self):
        return self.name

    @classmethod
    def acquire(cls, name, holder, ttl=timedelta(minutes=10)):
        """Take the lease if it is free or expired. The conditional UPDATE is atomic on every database.

        The time-to-live frees a lease whose holder died without releasing it.
        """
        now = timezone.now()
        try:
            with transaction.atomic():
                cls.objects.get_or_create(name=name)
        except IntegrityError:
            pass  # another process created the row first
        free = Q(expires_at__isnull=True) | Q(expires_at__lte=now) | Q(holder=holder)
        return cls.objects.filter(free, name=name).update(holder=holder, expires_at=now + ttl) == 1

    @classmethod
    def release(cls, name, holder):
        cls.objects.filter(name=name, holder=holder).update(holder="", expires_at=None)


class SchedulerHeartbeat(models.Model):
    """When the scheduler of each machine last finished a pass (core.scheduler.beat): /healthz reads the newest."""

    host = models.CharField(max_length=255, primary_key=True)
    process = models.CharField(max_length=300, blank=True)  # host:pid of the scheduler that wrote it
    passed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.host} {self.passed_at:%Y-%m-%d %H:%M:%S}"
