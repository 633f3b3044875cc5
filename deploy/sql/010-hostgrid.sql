-- HostGrid's own tables. Idempotent.

-- The durable event log: one row per thing that happened. subject is a resource name (hosts/hv-1,
-- vms/web-1); host_id, vm_id and epoch are copied out of the payload where they apply, so they can
-- be filtered without parsing JSON. seq is taken at insert, not at commit: a reader tailing by seq
-- can see a gap that a slower transaction fills later.
CREATE TABLE IF NOT EXISTS hostgrid_events (
    seq     bigserial   PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    kind    text        NOT NULL,
    subject text        NOT NULL,
    host_id text        NULL,
    vm_id   text        NULL,
    epoch   bigint      NULL,
    payload jsonb       NOT NULL DEFAULT '{}'::jsonb
);

-- "Events of vms/web-1 after seq N", in order.
CREATE INDEX IF NOT EXISTS hostgrid_events_subject ON hostgrid_events (subject, seq);

-- Events belong to one HostGrid service (Orleans ServiceId), so clusters sharing a database stay apart.
ALTER TABLE hostgrid_events ADD COLUMN IF NOT EXISTS service_id text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS hostgrid_events_service ON hostgrid_events (service_id, seq);

-- Datastore heartbeats: each agent renews one row per host it serves every heartbeat (renewed_at by the database's
-- clock). An agent that reaches the database does not fence itself while the failover coordinator moves, and a
-- failover waits until the host's agent has gone the isolation timeout without a renewal. Keyed by the agent's silo,
-- so a restarted agent's renewals never stand for its predecessor's.
CREATE TABLE IF NOT EXISTS hostgrid_agent_leases (
    service_id text        NOT NULL,
    host_id    text        NOT NULL,
    agent      text        NOT NULL,
    renewed_at timestamptz NOT NULL,
    PRIMARY KEY (service_id, host_id, agent)
);
