namespace HostGrid.Bench;

/// <summary>A bad command line; the message names the option.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }
}
