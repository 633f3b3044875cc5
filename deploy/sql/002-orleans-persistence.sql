-- Orleans ADO.NET grain persistence (Microsoft.Orleans.Persistence.AdoNet 10.4.2) on PostgreSQL 15.
-- Needs orleansquery from 001. Idempotent.

-- One row per (service, state name, grain key). The hashes are signed int32 index helpers that
-- the provider computes; grain_type_string is the [PersistentState] state name, not the class.
-- The payload is bytea: jsonb would reorder keys and break polymorphic ($type) JSON state.
CREATE TABLE IF NOT EXISTS orleans_storage (
    grain_id_hash             integer     NOT NULL,
    grain_id_n0               bigint      NOT NULL,
    grain_id_n1               bigint      NOT NULL,
    grain_type_hash           integer     NOT NULL,
    grain_type_string         text        NOT NULL,
    grain_id_extension_string text        NULL,      -- NULL for plain Guid and integer keys
    service_id                text        NOT NULL,
    payload_binary            bytea       NULL,      -- NULL after a clear
    modified_on               timestamptz NOT NULL DEFAULT now(),
    version                   integer     NOT NULL
);

-- The whole lookup key, with NULL extensions equal to each other: this index is what makes the
-- first write race-safe (concurrent first writers collide here instead of adding duplicate rows,
-- which would make every later read of that grain fail).
CREATE UNIQUE INDEX IF NOT EXISTS orleans_storage_identity
    ON orleans_storage (grain_id_hash, grain_type_hash, service_id, grain_type_string,
                        grain_id_n0, grain_id_n1, grain_id_extension_string)
    NULLS NOT DISTINCT;

INSERT INTO orleansquery (querykey, querytext) VALUES

('ReadFromStorageKey', $q$
SELECT payload_binary AS PayloadBinary, version AS Version
  FROM orleans_storage
 WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
   AND service_id = @ServiceId AND grain_type_string = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

-- No version (never written, or deleted on clear): insert at version 1 unless the row exists.
-- A version: bump it only if it still matches. Always exactly one row; NULL = conflict.
('WriteToStorageKey', $q$
WITH inserted AS (
    INSERT INTO orleans_storage (grain_id_hash, grain_id_n0, grain_id_n1, grain_type_hash,
                                 grain_type_string, grain_id_extension_string, service_id,
                                 payload_binary, version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
           @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, 1
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT (grain_id_hash, grain_type_hash, service_id, grain_type_string,
                 grain_id_n0, grain_id_n1, grain_id_extension_string) DO NOTHING
    RETURNING version),
updated AS (
    UPDATE orleans_storage
       SET payload_binary = @PayloadBinary, version = version + 1, modified_on = now()
     WHERE @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion
       AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
       AND service_id = @ServiceId AND grain_type_string = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version)
SELECT (SELECT version FROM inserted UNION ALL SELECT version FROM updated LIMIT 1)
       AS NewGrainStateVersion;
$q$),

-- DeleteStateOnClear = false: keep the row, drop the payload, bump the version.
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE orleans_storage
       SET payload_binary = NULL, version = version + 1, modified_on = now()
     WHERE version = @GrainStateVersion
       AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
       AND service_id = @ServiceId AND grain_type_string = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version)
SELECT (SELECT version FROM cleared) AS NewGrainStateVersion;
$q$),

-- DeleteStateOnClear = true: remove the row; the returned value only has to differ from the sent one.
('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM orleans_storage
     WHERE version = @GrainStateVersion
       AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
       AND service_id = @ServiceId AND grain_type_string = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version)
SELECT (SELECT version + 1 FROM deleted) AS NewGrainStateVersion;
$q$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
