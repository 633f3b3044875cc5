namespace HostGrid.Core.Diagnostics;

/// <summary>Every HostGrid log event id, in one place so ids never collide. Ranges by area.</summary>
public static class LogEvents
{
    // 1000: hosts and agents
    public const int HostRegistered = 1000;
    public const int HostStatusChanged = 1001;
    public const int AgentServingHosts = 1002;
    public const int HeartbeatFailed = 1003;
    public const int GuestStarted = 1010;
    public const int GuestStopped = 1011;
    public const int StaleCommandRefused = 1012;
    public const int StrayGuestStopped = 1013;
    public const int HostMaintenanceChanged = 1014;
    public const int GuestDeleted = 1015;
    public const int MigrationOutStarted = 1020;
    public const int MigrationOutFinished = 1021;
    public const int MigrationOutFailed = 1022;

    // 2000: guests
    public const int VmCreated = 2000;
    public const int VmPlaced = 2001;
    public const int VmPlacementAttemptFailed = 2002;
    public const int VmStarted = 2003;
    public const int VmStopped = 2004;
    public const int VmDeleted = 2005;
    public const int VmFailedOver = 2006;
    public const int VmFailoverPending = 2007;
    public const int VmGuestLost = 2008;
    public const int VmDisksLeftBehind = 2009;

    // 4000: failure detection and failover
    public const int HostDeclaredDown = 4000;
    public const int HostRejoined = 4001;
    public const int FailoverPhaseChanged = 4002;
    public const int FailoverFailed = 4003;
    public const int AgentIsolated = 4004;
    public const int AgentFenced = 4005;
    public const int CoordinatorActivated = 4006;
    public const int CoordinatorLeaseNotRenewed = 4007;
    public const int AgentAdoptedGuests = 4008;
    public const int AgentLeaseNotRenewed = 4009;
    public const int FailoverAwaitingLease = 4010;
    public const int FailoverWithdrawn = 4011;

    // 8000: QEMU driver
    public const int QemuGuestStarted = 8000;
    public const int QemuGuestStopped = 8001;
    public const int QemuGuestAdopted = 8002;
    public const int QemuOrphanStopped = 8003;
    public const int QemuMigrationFailed = 8007;
    public const int QemuStopEscalated = 8008;
    public const int QemuDiskDeleted = 8009;
    public const int QemuPostCopyFailed = 8010;

    // 6000: migration and maintenance
    public const int MigrationStarted = 6000;
    public const int MigrationPhaseChanged = 6001;
    public const int MigrationCompleted = 6002;
    public const int MigrationRolledBack = 6003;
    public const int MigrationRecovering = 6004;
    public const int MigrationStepFailed = 6005;
    public const int MigrationStepSkipped = 6006;
    public const int MigrationSwitchOver = 6007;
    public const int DrainStarted = 6010;
    public const int DrainFinished = 6011;
    public const int DrainMigrationFailed = 6012;
    public const int DrainStalled = 6013;

    // 7000: rebalancing
    public const int RebalancerModeChanged = 7000;
    public const int RebalanceTriggered = 7001;
    public const int RebalancePassStarted = 7002;
    public const int RebalanceReplanned = 7003;
    public const int RebalancePassFinished = 7004;
    public const int RebalancePassStalled = 7005;

    // 3000: gateway
    public const int RequestFailed = 3000;

    // 5000: event log
    public const int EventAppendFailed = 5000;
}
