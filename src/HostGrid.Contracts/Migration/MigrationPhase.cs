namespace HostGrid.Contracts.Migration;

/// <summary>
/// The phases of a live migration, in order. A failure before <see cref="Commit"/> rolls back to the source;
/// from <see cref="Commit"/> on the move rolls forward.
/// </summary>
[GenerateSerializer, Alias("hostgrid.MigrationPhase")]
public enum MigrationPhase
{
    /// <summary>Capacity is being reserved on the destination.</summary>
    Reserve = 0,

    /// <summary>The destination is getting ready to receive (listening for pages).</summary>
    Prepare = 1,

    /// <summary>Pages are copied while the guest runs on the source: a full pass, then rounds of the pages dirtied meanwhile.</summary>
    PreCopy = 2,

    /// <summary>The source is paused, the last dirty pages are sent and the destination verifies its copy.</summary>
    SwitchOver = 3,

    /// <summary>The guest's host and epoch change in one persisted write; the destination copy runs.</summary>
    Commit = 4,

    /// <summary>The source copy is stopped and its capacity released.</summary>
    Cleanup = 5,

    /// <summary>Finished: moved, or rolled back to the source.</summary>
    Done = 6,
}
