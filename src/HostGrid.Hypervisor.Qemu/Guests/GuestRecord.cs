using System.Text.Json;

namespace HostGrid.Hypervisor.Qemu.Guests;

/// <summary>
/// What a restarted agent needs to adopt a guest's QEMU process: who it is, at which epoch it runs, and whether it is an
/// incoming migration copy not yet activated (<see cref="IncomingOperation"/>). Kept as <c>guest.json</c> beside the process.
/// </summary>
public sealed record GuestRecord(string VmId, long Epoch, string? IncomingOperation, DateTimeOffset StartedAt, bool BootsBundledTestGuest)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes the record atomically (a reader never sees half of it).</summary>
    public void Save(GuestFiles files)
    {
        var temp = files.Record + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, files.Record, overwrite: true);
    }

    /// <summary>The record in <paramref name="files"/>, or null when missing or unreadable.</summary>
    public static GuestRecord? Load(GuestFiles files)
    {
        try
        {
            return JsonSerializer.Deserialize<GuestRecord>(File.ReadAllText(files.Record));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
