using System.Numerics;

namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// A simulated guest's memory: 4 KiB pages with a version each (the content is derived from it, see <see cref="PageContent"/>),
/// and a dirty bitmap of the pages written since the migration last collected them. Only versions are kept, so a 4 GiB guest
/// costs 8 MiB here. Thread-safe: the workload writes while the migration collects.
/// </summary>
internal sealed class GuestMemory
{
    private readonly long[] _versions;
    private readonly ulong[] _dirty;
    private readonly Lock _lock = new();

    public GuestMemory(VmId vmId, long memoryMib)
        : this(vmId, checked((int)(memoryMib * PageContent.PagesPerMib)))
    {
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

    /// <summary>Memory holding the given versions (an incoming copy once verified).</summary>
    public static GuestMemory FromVersions(VmId vmId, ReadOnlySpan<long> versions)
    {
        var memory = new GuestMemory(vmId, versions.Length);
        versions.CopyTo(memory._versions);
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
            _versions[page]++;
        }
    }

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
        lock (_lock)
        {
            var count = 0;
            foreach (var word in _dirty)
            {
                count += BitOperations.PopCount(word);
            }

            var pages = new int[count];
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

            return pages;
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

    public ulong Checksum()
    {
        lock (_lock)
        {
            return PageContent.Checksum(_versions);
        }
    }

    private void WriteLocked(int page)
    {
        _versions[page]++;
        _dirty[page >> 6] |= 1UL << (page & 63);
    }
}
