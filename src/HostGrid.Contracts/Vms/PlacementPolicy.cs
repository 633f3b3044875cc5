namespace HostGrid.Contracts.Vms;

/// <summary>How placement chooses among hosts that fit.</summary>
public enum PlacementPolicy
{
    /// <summary>The host with the most free capacity.</summary>
    Spread = 0,
    /// <summary>The fullest host that still fits.</summary>
    Pack = 1,
}
