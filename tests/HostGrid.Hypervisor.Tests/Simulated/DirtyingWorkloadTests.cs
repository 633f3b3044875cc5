using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Tests.Simulated;

public sealed class DirtyingWorkloadTests
{
    private static readonly VmId Vm = new("web-1");

    [Fact]
    public void Advance_OneSecondAt4MibPerSecond_WritesThousandTwentyFourPages()
    {
        var time = new SteppedTime();
        var memory = new GuestMemory(Vm, 64);
        var workload = new DirtyingWorkload(memory, 4, 0.1, 0.8, seed: 1, time);

        time.Step(TimeSpan.FromSeconds(1));
        workload.Advance();

        Assert.Equal(1024, workload.PagesWritten);
        Assert.InRange(memory.DirtyCount(), 1, 1024);
    }

    [Fact]
    public void Advance_HotSet_MostWritesLandInIt()
    {
        var time = new SteppedTime();
        var memory = new GuestMemory(Vm, 64); // 16384 pages, hot set 1638
        var workload = new DirtyingWorkload(memory, 16, 0.1, 0.8, seed: 1, time);

        time.Step(TimeSpan.FromSeconds(1));
        workload.Advance();

        var versions = memory.Versions();
        var hot = versions.Take(1638).Sum();
        Assert.InRange(hot / (double)versions.Sum(), 0.75, 0.9);
    }

    [Fact]
    public void Advance_SameSeedAndTime_SameWrites()
    {
        long[] Run()
        {
            var time = new SteppedTime();
            var memory = new GuestMemory(Vm, 8);
            var workload = new DirtyingWorkload(memory, 8, 0.1, 0.8, seed: 7, time);
            time.Step(TimeSpan.FromMilliseconds(500));
            workload.Advance();
            return memory.Versions();
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void ThrottleAndPause_ReduceThenStopWrites()
    {
        var time = new SteppedTime();
        var memory = new GuestMemory(Vm, 64);
        var workload = new DirtyingWorkload(memory, 4, 0.1, 0.8, seed: 1, time) { ThrottlePercent = 75 };

        time.Step(TimeSpan.FromSeconds(1));
        workload.Pause();
        time.Step(TimeSpan.FromSeconds(10));
        workload.Advance();

        Assert.Equal(256, workload.PagesWritten);
    }

    [Fact]
    public void Advance_LongQuietSpell_BoundedWork()
    {
        var time = new SteppedTime();
        var memory = new GuestMemory(Vm, 1);
        var workload = new DirtyingWorkload(memory, 1000, 0.1, 0.8, seed: 1, time);

        time.Step(TimeSpan.FromDays(1));
        workload.Advance();

        Assert.Equal(4 * 256, workload.PagesWritten);
    }

    /// <summary>A clock whose timestamps move only when the test steps it.</summary>
    private sealed class SteppedTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Step(TimeSpan by) => _ticks += by.Ticks;
    }
}
