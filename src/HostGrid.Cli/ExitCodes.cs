using Grpc.Core;

namespace HostGrid.Cli;

/// <summary>The CLI's exit codes: one per kind of failure a script may want to tell apart.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int Conflict = 4;
    public const int Exhausted = 5;
    public const int Unavailable = 6;

    public static int FromStatus(StatusCode code) => code switch
    {
        StatusCode.OK => Ok,
        StatusCode.InvalidArgument => Usage,
        StatusCode.NotFound => NotFound,
        StatusCode.AlreadyExists or StatusCode.FailedPrecondition => Conflict,
        StatusCode.ResourceExhausted => Exhausted,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => Unavailable,
        _ => Error,
    };
}
