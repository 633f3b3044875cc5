using System.Numerics;

namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// A simulated guest's memory: 4 KiB pages with a version each (the content is derived from it, see <see cref="PageContent"/>),
/// and a dirty bitmap of the pages written since the migration last collected them. Only versions are kept, so a 4 GiB guest
/// costs 8 MiB here. A digest of the version table (<see cref="PageContent.DigestTerm"/>) is kept up to date with every write,
/// so a switch-over compares tables in O(1). Thread-safe: the workload writes while the migration collects.
/// </summary>
internal sealed class GuestMemory
{
    /// <summary>The version of a page an incoming copy has not received yet.</summary>
    public const long NotReceived = -1;

    private readonly long[] _versions;
    private readonly ulong[] _dirty;
    private readonly Lock _lock = new();
    private ulong _digest;
    private int _missing;

    public GuestMemory(VmId vmId, long memoryMib)
        : this(vmId, checked((int)(memoryMib * PageContent.PagesPerMib)))
    {
        _digest = PageContent.Digest(Seed, _versions);
    }

    private GuestMemory(VmId vmId, int pageCount)
    {
        VmId = vmId;
        Seed = PageContent.Seed(vmId);
        _versions = new long[pageCount];
        _dirty = new ulong[(pageCount + 63) / 64];
    }

    public VmId VmId { get; }

    public ulong Seed { get; }

    public int PageCount => _versions.Length;

    public long Bytes => (long)PageCount * PageContent.PageSize;

    /// <summary>Pages not received yet (only an incoming copy has any; it must not run until none is left).</summary>
    public int Missing
    {
        get
        {
            lock (_lock)
            {
                return _missing;
            }
        }
    }

    /// <summary>Memory holding the given versions.</summary>
    public static GuestMemory FromVersions(VmId vmId, ReadOnlySpan<long> versions)
    {
        var memory = new GuestMemory(vmId, versions.Length);
        versions.CopyTo(memory._versions);
        memory._digest = PageContent.Digest(memory.Seed, versions);
        return memory;
    }

    /// <summary>
    /// Memory for an incoming copy: every page <see cref="NotReceived"/> until <see cref="Receive"/> fills it. Allocated before the
    /// copy starts, so the verified copy becomes the guest's memory at activation without copying or allocating anything.
    /// </summary>
    public static GuestMemory Incoming(VmId vmId, long memoryMib)
    {
        var memory = new GuestMemory(vmId, checked((int)(memoryMib * PageContent.PagesPerMib)));
        Array.Fill(memory._versions, NotReceived);
        memory._missing = memory.PageCount;
        return memory;
    }

    public long Version(int page) => Volatile.Read(ref _versions[page]);

    /// <summary>The guest writes a page: its version rises and it is dirty.</summary>
    public void Write(int page)
    {
        lock (_lock)
        {
            WriteLocked(page);
        }
    }

    /// <summary>Writes a batch of pages under one lock.</summary>
    public void Write(ReadOnlySpan<int> pages)
    {
        lock (_lock)
        {
            foreach (var page in pages)
            {
                WriteLocked(page);
            }
        }
    }

    /// <summary>Raises a page's version without marking it dirty: a write the migration misses (fault injection of a stale page).</summary>
    public void WriteUntracked(int page)
    {
        lock (_lock)
        {
            SetLocked(page, _versions[page] + 1);
        }
    }

    /// <summary>An incoming copy received a page at <paramref name="version"/> (checked by the caller); not dirty.</summary>
    public void Receive(int page, long version)
    {
        lock (_lock)
        {
            SetLocked(page, version);
        }
    }

    /// <summary>The first page not received yet, or -1.</summary>
    public int FirstMissing() => Array.IndexOf(_versions, NotReceived);

    /// <summary>Forgets the dirty pages (the start of a full pass, which sends every page anyway).</summary>
    public void ClearDirty()
    {
        lock (_lock)
        {
            Array.Clear(_dirty);
        }
    }

    /// <summary>How many pages are dirty now. Does not clear them.</summary>
    public int DirtyCount()
    {
        lock (_lock)
        {
            var count = 0;
            foreach (var word in _dirty)
            {
                count += BitOperations.PopCount(word);
            }

            return count;
        }
    }

    /// <summary>Takes the dirty pages (ascending) and clears them: the next round sends these, at their versions when sent.</summary>
    public int[] CollectDirty()
    {
        int[] pages = [];
        var count = CollectDirty(ref pages);
        return pages.AsSpan(0, count).ToArray();
    }

    /// <summary>
    /// Like <see cref="CollectDirty()"/>, into <paramref name="pages"/> (grown when too small, so a migration reuses one buffer
    /// and allocates nothing once paused); returns how many.
    /// </summary>
    public int CollectDirty(ref int[] pages)
    {
        lock (_lock)
        {
            var count = 0;
            foreach (var word in _dirty)
            {
                count += BitOperations.PopCount(word);
            }

            if (pages.Length < count)
            {
                pages = new int[Math.Max(count, pages.Length * 2)];
            }

            var n = 0;
            for (var w = 0; w < _dirty.Length; w++)
            {
                var word = _dirty[w];
                while (word != 0)
                {
                    pages[n++] = (w * 64) + BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                }

                _dirty[w] = 0;
            }

            return count;
        }
    }

    /// <summary>A copy of the version table.</summary>
    public long[] Versions()
    {
        lock (_lock)
        {
            return (long[])_versions.Clone();
        }
    }

    /// <summary>The digest of the version table (received pages only, for an incoming copy): O(1), kept up to date.</summary>
    public ulong Checksum()
    {
        lock (_lock)
        {
            return _digest;
        }
    }

    private void WriteLocked(int page)
    {
        SetLocked(page, _versions[page] + 1);
        _dirty[page >> 6] |= 1UL << (page & 63);
    }

    private void SetLocked(int page, long version)
    {
        var old = _versions[page];
        if (old == NotReceived)
        {
            _missing--;
        }
        else
        {
            _digest -= PageContent.DigestTerm(Seed, page, old);
        }

        _digest += PageContent.DigestTerm(Seed, page, version);
        Volatile.Write(ref _versions[page], version);
    }
}
