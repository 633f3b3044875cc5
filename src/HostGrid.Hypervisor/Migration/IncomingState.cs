namespace HostGrid.Hypervisor.Migration;

/// <summary>Where an incoming copy stands on the destination.</summary>
internal enum IncomingState
{
    /// <summary>Waiting for the source to connect with the token.</summary>
    Listening = 0,

    /// <summary>The source is connected and sending pages.</summary>
    Receiving = 1,

    /// <summary>Every page arrived at the source's final version and the checksum matched: the copy may run.</summary>
    Verified = 2,

    /// <summary>Lost, corrupt, stale, timed out or aborted: the copy must not run (<see cref="PageReceiver.Failure"/> says why).</summary>
    Failed = 3,
}
