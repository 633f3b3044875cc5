namespace HostGrid.Bench;

/// <summary>Process exit codes of <c>hostgrid-bench</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The benchmark ran and its main figure was measured (errors, if any, are in the figures).</summary>
    public const int Ok = 0;

    /// <summary>The main figure could not be measured (gateway unreachable, no capacity, every call failed).</summary>
    public const int Failed = 1;

    /// <summary>Unknown benchmark or bad option.</summary>
    public const int Usage = 2;
}
