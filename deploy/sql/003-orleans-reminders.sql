-- Orleans ADO.NET reminders (Microsoft.Orleans.Reminders.AdoNet 10.4.2) on PostgreSQL 15.
-- Needs orleansquery from 001. Idempotent.

-- Reminders belong to the service (ServiceId), not the cluster. grain_id is GrainId.ToString(),
-- stored verbatim and unbounded (long string keys exceed a varchar(150)). grain_hash is the
-- signed int32 view of the uniform hash: the ring range queries compare it signed. period is in
-- milliseconds and bigint: periods over ~24.8 days do not fit an integer.
CREATE TABLE IF NOT EXISTS orleans_reminders (
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period        bigint      NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Unconditional upsert; the version (the new etag) starts at 0 and changes on every update.
('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
   SET start_time = EXCLUDED.start_time, period = EXCLUDED.period,
       grain_hash = EXCLUDED.grain_hash, version = orleans_reminders.version + 1
RETURNING version AS Version;
$q$),

('ReadReminderRowsKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND grain_id = @GrainId;
$q$),

('ReadReminderRowKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;
$q$),

-- Ring range (Begin, End] when (int)Begin < (int)End.
('ReadRangeRows1Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;
$q$),

-- Ring range (Begin, End] otherwise: wraps around in signed order; Begin = End is the full ring.
('ReadRangeRows2Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
$q$),

-- true only if the row with that version was deleted.
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleans_reminders
     WHERE service_id = @ServiceId AND grain_id = @GrainId
       AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM deleted);
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminders WHERE service_id = @ServiceId;
$q$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
