-- Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet 10.4.2) on PostgreSQL 15.
-- Written from shared/notes/orleans-adonet-postgres.md; idempotent, applied in name order.
-- All identifiers are unquoted: the providers run `SELECT QueryKey, QueryText FROM OrleansQuery`
-- unquoted, which PostgreSQL folds to orleansquery(querykey, querytext).

-- The providers read their SQL from this table, once at start-up (restart silos after a change).
CREATE TABLE IF NOT EXISTS orleansquery (
    querykey  text NOT NULL PRIMARY KEY,  -- matched case-sensitively by the providers
    querytext text NOT NULL
);

-- One row per cluster (DeploymentId = ClusterOptions.ClusterId). The version is the etag of the
-- whole membership table; the provider rejects non-canonical or negative etags, hence the CHECK.
CREATE TABLE IF NOT EXISTS orleans_membership_version (
    deployment_id text        NOT NULL PRIMARY KEY,
    changed_at    timestamptz NOT NULL DEFAULT now(),
    version       integer     NOT NULL DEFAULT 0 CHECK (version >= 0)
);

-- One row per silo incarnation. address is text: the provider casts it to string (inet would fail).
CREATE TABLE IF NOT EXISTS orleans_membership (
    deployment_id   text        NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,  -- SiloStatus: 2 Joining, 3 Active, 6 Dead, ...
    proxy_port      integer     NOT NULL DEFAULT 0,  -- gateway port, 0 = not a gateway
    suspect_times   text        NULL,      -- 'ip:port@gen,yyyy-MM-dd HH:mm:ss.fff GMT|...', grows with votes
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Called at every silo start: create the version row at 0 if missing; true = created.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM created);
$q$),

-- A silo joins. @Version is the table version the silo read; the bump of the version row (whose
-- row lock serializes all membership writers) and the insert happen together or not at all.
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = @DeploymentId AND version = @Version
       AND NOT EXISTS (SELECT 1 FROM orleans_membership
                        WHERE deployment_id = @DeploymentId AND address = @Address
                          AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
inserted AS (
    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name,
                                    status, proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
      FROM bumped
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM inserted);
$q$),

-- Status changes and suspicion votes: same compare-and-bump as the insert. SiloName, HostName,
-- StartTime and ProxyPort are not bound and stay as they are.
('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = @DeploymentId AND version = @Version
       AND EXISTS (SELECT 1 FROM orleans_membership
                    WHERE deployment_id = @DeploymentId AND address = @Address
                      AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
updated AS (
    UPDATE orleans_membership m
       SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
      FROM bumped b
     WHERE m.deployment_id = b.deployment_id AND m.address = @Address
       AND m.port = @Port AND m.generation = @Generation
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM updated);
$q$),

-- Heart-beat every IAmAliveTablePublishTimeout; does not change the table version.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership
   SET i_am_alive_time = @IAmAliveTime
 WHERE deployment_id = @DeploymentId AND address = @Address
   AND port = @Port AND generation = @Generation;
$q$),

-- Version row LEFT JOIN member rows: always at least one row (an empty result throws in the
-- provider); a NULL StartTime in the first row means "no members". No status filter.
('MembershipReadRowKey', $q$
SELECT v.version AS Version,
       m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status,
       m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes,
       m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership m
    ON m.deployment_id = v.deployment_id AND m.address = @Address
   AND m.port = @Port AND m.generation = @Generation
 WHERE v.deployment_id = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
SELECT v.version AS Version,
       m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status,
       m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes,
       m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
 WHERE v.deployment_id = @DeploymentId;
$q$),

-- Clients: Active silos that are gateways (@Status is always 3).
('GatewaysQueryKey', $q$
SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
  FROM orleans_membership
 WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
$q$),

-- Tooling and tests only: drops the version row, the member rows go with it (ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
$q$),

-- Legacy cleanup; never executed while CleanupDefunctSiloEntryKey exists, but required at start-up.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
 WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
$q$),

-- 10.4.2 per-entry cleanup: compare-and-delete one Dead row, only if it still carries exactly the
-- values the cleanup agent read (they round-trip from this table, so equality is exact).
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleans_membership
 WHERE deployment_id = @DeploymentId AND address = @Address
   AND port = @Port AND generation = @Generation
   AND status = 6
   AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
   AND suspect_times IS NOT DISTINCT FROM @SuspectTimes;
$q$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
