namespace HostGrid.Contracts.Hosts;

/// <summary>The host's answer to a reservation: granted, or refused with the reason.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.ReservationResult")]
public sealed record ReservationResult(
    [property: Id(0)] bool Granted,
    [property: Id(1)] string? RefusalReason)
{
    public static ReservationResult Grant { get; } = new(true, null);

    public static ReservationResult Refuse(string reason) => new(false, reason);
}
