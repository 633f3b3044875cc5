namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// A guest writing its memory at a steady rate, most writes into a hot set. It advances lazily: each <see cref="Advance"/>
/// applies the writes of the time elapsed since the last one (no timer, no busy loop), at the rate less the migration's throttle.
/// Writes are drawn from a seeded <see cref="Random"/>, so a run repeats given the same timing.
/// </summary>
internal sealed class DirtyingWorkload
{
    private const int Batch = 4096;

    private readonly GuestMemory _memory;
    private readonly double _pagesPerSecond;
    private readonly int _hotPages;
    private readonly double _hotWriteFraction;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly int[] _batch = new int[Batch];
    private long _last;
    private double _carry;
    private int _throttlePercent;
    private bool _paused;

    public DirtyingWorkload(GuestMemory memory, double mibPerSecond, double hotSetFraction, double hotWriteFraction, int seed, TimeProvider time)
    {
        _memory = memory;
        _pagesPerSecond = mibPerSecond * PageContent.PagesPerMib;
        _hotPages = Math.Clamp((int)(memory.PageCount * hotSetFraction), 1, memory.PageCount);
        _hotWriteFraction = hotWriteFraction;
        _random = new Random(seed);
        _time = time;
        _last = time.GetTimestamp();
    }

    public double MibPerSecond => _pagesPerSecond / PageContent.PagesPerMib;

    public long PagesWritten { get; private set; }

    /// <summary>Percent of the dirty rate taken away (auto-converge); applies from now on.</summary>
    public int ThrottlePercent
    {
        get => _throttlePercent;
        set
        {
            lock (_lock)
            {
                AdvanceLocked();
                _throttlePercent = Math.Clamp(value, 0, 100);
            }
        }
    }

    /// <summary>Applies the writes due since the last call.</summary>
    public void Advance()
    {
        lock (_lock)
        {
            AdvanceLocked();
        }
    }

    /// <summary>The guest stops writing (paused for a switch-over), after the writes due until now.</summary>
    public void Pause()
    {
        lock (_lock)
        {
            AdvanceLocked();
            _paused = true;
        }
    }

    /// <summary>The guest writes again from now on, unthrottled.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _last = _time.GetTimestamp();
            _paused = false;
            _throttlePercent = 0;
        }
    }

    private void AdvanceLocked()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_last, now);
        _last = now;
        if (_paused || _pagesPerSecond <= 0 || elapsed <= TimeSpan.Zero)
        {
            return;
        }

        var due = _carry + (elapsed.TotalSeconds * _pagesPerSecond * (100 - _throttlePercent) / 100);
        // A long quiet spell dirties at most every page a few times over: bound the work, not the outcome.
        var writes = (long)Math.Min(Math.Floor(due), 4L * _memory.PageCount);
        _carry = due - Math.Floor(due);
        PagesWritten += writes;
        while (writes > 0)
        {
            var n = (int)Math.Min(writes, Batch);
            for (var i = 0; i < n; i++)
            {
                _batch[i] = _random.NextDouble() < _hotWriteFraction ? _random.Next(_hotPages) : _random.Next(_memory.PageCount);
            }

            _memory.Write(_batch.AsSpan(0, n));
            writes -= n;
        }
    }
}
