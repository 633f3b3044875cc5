using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Tests.Simulated;

public sealed class WorkloadProfileTests
{
    [Theory]
    [InlineData("bursty", WorkloadProfile.Bursty)]
    [InlineData("Diurnal", WorkloadProfile.Diurnal)]
    [InlineData("idle", WorkloadProfile.Idle)]
    [InlineData("nonsense", WorkloadProfile.Steady)]
    [InlineData("7", WorkloadProfile.Steady)]
    public void Of_Label_PicksTheProfileOrSteady(string label, WorkloadProfile expected)
    {
        Assert.Equal(expected, WorkloadProfiles.Of(new Dictionary<string, string> { [WorkloadProfiles.Label] = label }));
    }

    [Fact]
    public void Of_NoLabel_Steady()
    {
        Assert.Equal(WorkloadProfile.Steady, WorkloadProfiles.Of(new Dictionary<string, string>()));
    }

    [Fact]
    public void CpuFraction_Bursty_BurstsForAQuarterOfEachTwoMinutes()
    {
        var samples = Enumerable.Range(0, 1200).Select(s => WorkloadProfiles.CpuFraction(WorkloadProfile.Bursty, TimeSpan.FromSeconds(s * 0.1), phase: 0.3)).ToList();

        Assert.Equal(0.25, samples.Count(c => c > 0.9) / (double)samples.Count, precision: 2);
        Assert.All(samples, c => Assert.True(c is 0.2 or 0.95));
    }

    [Fact]
    public void CpuFraction_Diurnal_SpansLowToHighWithinACycle()
    {
        var samples = Enumerable.Range(0, 1200).Select(s => WorkloadProfiles.CpuFraction(WorkloadProfile.Diurnal, TimeSpan.FromSeconds(s), phase: 0)).ToList();

        Assert.InRange(samples.Min(), 0.09, 0.11);
        Assert.InRange(samples.Max(), 0.89, 0.91);
    }

    [Fact]
    public void Profiles_IdleIsLightestSteadyInBetween()
    {
        var at = TimeSpan.FromMinutes(3);
        Assert.True(WorkloadProfiles.CpuFraction(WorkloadProfile.Idle, at, 0) < WorkloadProfiles.CpuFraction(WorkloadProfile.Steady, at, 0));
        Assert.True(WorkloadProfiles.MemoryFraction(WorkloadProfile.Idle, at, 0) < WorkloadProfiles.MemoryFraction(WorkloadProfile.Bursty, at, 0));
    }
}
