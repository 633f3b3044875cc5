namespace HostGrid.Contracts.Errors;

/// <summary>A request field is invalid; <see cref="Field"/> names it.</summary>
[GenerateSerializer, Alias("hostgrid.InvalidSpecException")]
public sealed class InvalidSpecException : HostGridException
{
    public InvalidSpecException(string field, string problem) : base($"{field}: {problem}") => Field = field;

    [Id(0)] public string Field { get; }
}
