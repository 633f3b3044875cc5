namespace HostGrid.Hypervisor.Qemu.TestGuest;

/// <summary>Outcome of <see cref="TestGuestMemoryCheck"/>: OK, or the first bad page and why.</summary>
public sealed record TestGuestMemoryCheckResult
{
    public bool Ok => BadPages == 0 && Reason is null;

    /// <summary>Pages compared (the generation table's length).</summary>
    public int PagesChecked { get; init; }

    /// <summary>Pages that did not match their generation.</summary>
    public int BadPages { get; init; }

    /// <summary>Index of the first bad page, or null.</summary>
    public int? FirstBadPage { get; init; }

    /// <summary>Why the first bad page (or the dumps themselves) failed, or null when OK.</summary>
    public string? Reason { get; init; }

    public override string ToString() => Ok
        ? $"OK: {PagesChecked} pages"
        : $"FAILED: {BadPages} of {PagesChecked} pages bad; {Reason}";
}
