namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// Failures a test injects into one simulated hypervisor's migrations, on either end. Set the properties before or during
/// a migration; each applies to every migration until reset. The source-side faults act in <c>MigrateOutAsync</c>, the
/// destination-side ones in <c>PrepareIncomingAsync</c>, the receiver and <c>ActivateIncomingAsync</c>.
/// </summary>
public sealed class SimulatedMigrationFaults
{
    /// <summary>Destination: PrepareIncoming fails.</summary>
    public bool FailPrepareIncoming { get; set; }

    /// <summary>Destination: ActivateIncoming fails (the verified copy stays, so a retry can succeed once this is cleared).</summary>
    public bool FailActivateIncoming { get; set; }

    /// <summary>Source: the connection is cut once this many bytes of pages have been sent.</summary>
    public long? DropConnectionAfterBytes { get; set; }

    /// <summary>Source: the connection is cut at the start of this pre-copy round (1 is the full pass).</summary>
    public int? DropConnectionInRound { get; set; }

    /// <summary>Source: this page's content is corrupted the first time it is sent (the destination must notice).</summary>
    public int? CorruptPage { get; set; }

    /// <summary>Source: at pause this page is written without being marked dirty, so the destination holds a stale version.</summary>
    public int? StalePage { get; set; }

    /// <summary>Source: the switch-over fails after the pause, before the destination acknowledges.</summary>
    public bool FailSwitchOver { get; set; }

    /// <summary>Source: the switch-over hangs after the pause until the migration is cancelled or times out.</summary>
    public bool HangSwitchOver { get; set; }

    /// <summary>
    /// Source: MigrateOut reports its copy as handed over to post-copy (the VM grain then commits before StartPostCopy);
    /// StartPostCopy returns it. The copy is whole already: this drives the grain's post-copy path, not a post-copy.
    /// </summary>
    public bool HandOverToPostCopy { get; set; }

    /// <summary>Source: StartPostCopy fails (the switch to post-copy did not happen).</summary>
    public bool FailPostCopySwitch { get; set; }

    /// <summary>Source: a pause after each pre-copy round, on top of <see cref="SimulatedHypervisorOptions.MigrationRoundDelay"/>.</summary>
    public TimeSpan RoundDelay { get; set; }

    /// <summary>Clears every fault.</summary>
    public void Reset()
    {
        FailPrepareIncoming = false;
        FailActivateIncoming = false;
        DropConnectionAfterBytes = null;
        DropConnectionInRound = null;
        CorruptPage = null;
        StalePage = null;
        FailSwitchOver = false;
        HangSwitchOver = false;
        HandOverToPostCopy = false;
        FailPostCopySwitch = false;
        RoundDelay = TimeSpan.Zero;
    }
}
