using Grpc.Core;
using HostGrid.Gateway.Api;

namespace HostGrid.Gateway.Tests.Api;

public sealed class DomainErrorInterceptorTests
{
    public static TheoryData<Exception, StatusCode> DomainErrors => new()
    {
        { new InvalidSpecException("vm_id", "must not be empty"), StatusCode.InvalidArgument },
        { new VmNotFoundException(new VmId("web-1")), StatusCode.NotFound },
        { new HostNotFoundException(new HostId("hv-1")), StatusCode.NotFound },
        { new FailoverNotFoundException("hv-1-3"), StatusCode.NotFound },
        { new VmAlreadyExistsException(new VmId("web-1")), StatusCode.AlreadyExists },
        { new InsufficientCapacityException("no host can take vm web-1"), StatusCode.ResourceExhausted },
        { new InvalidStateException("vm web-1 is deleting"), StatusCode.FailedPrecondition },
        { new StaleEpochException(new VmId("web-1"), 1, 2), StatusCode.Aborted },
        { new HostUnreachableException(new HostId("hv-1"), "silo gone"), StatusCode.Unavailable },
        { new OperationNotFoundException("op-1"), StatusCode.NotFound },
        { new OperationInProgressException("vm web-1", "op-1"), StatusCode.FailedPrecondition },
        { new MigrationFailedException("pre-copy did not converge after 30 rounds"), StatusCode.Aborted },
    };

    [Theory]
    [MemberData(nameof(DomainErrors))]
    public void ToStatus_DomainError_ItsStatusCodeAndMessage(Exception error, StatusCode expected)
    {
        var status = DomainErrorInterceptor.ToStatus(error);

        Assert.Equal(expected, status.StatusCode);
        Assert.Equal(error.Message, status.Detail);
    }

    [Fact]
    public void ToStatus_InvalidSpec_DetailNamesTheField()
    {
        var status = DomainErrorInterceptor.ToStatus(new InvalidSpecException("resources.memory_mib", "must be between 64 and 16777216 (got 0)"));

        Assert.Equal("resources.memory_mib: must be between 64 and 16777216 (got 0)", status.Detail);
    }

    public static TheoryData<Exception> ClusterUnavailable => new()
    {
        new SiloUnavailableException("silo S127.0.0.1:11111 is unavailable\n   at Orleans.Runtime.Messaging..."),
        new TimeoutException("Response did not arrive on time in 00:00:30\n   at Orleans..."),
        new GatewayTooBusyException(),
    };

    [Theory]
    [MemberData(nameof(ClusterUnavailable))]
    public void ToStatus_ClusterUnavailable_UnavailableWithFirstLineOnly(Exception error)
    {
        var status = DomainErrorInterceptor.ToStatus(error);

        Assert.Equal(StatusCode.Unavailable, status.StatusCode);
        Assert.StartsWith("cluster unavailable: ", status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', status.Detail);
        Assert.Equal(error.Message.Split('\n')[0].Trim(), status.Detail["cluster unavailable: ".Length..]);
    }

    [Fact]
    public void ToStatus_Cancelled_Cancelled()
    {
        Assert.Equal(StatusCode.Cancelled, DomainErrorInterceptor.ToStatus(new OperationCanceledException()).StatusCode);
        Assert.Equal(StatusCode.Cancelled, DomainErrorInterceptor.ToStatus(new TaskCanceledException()).StatusCode);
    }

    [Fact]
    public void ToStatus_UnknownException_InternalWithTypeAndFirstLineOnly()
    {
        var status = DomainErrorInterceptor.ToStatus(new InvalidOperationException("something broke\r\n   at HostGrid.Secret.Stack()"));

        Assert.Equal(StatusCode.Internal, status.StatusCode);
        Assert.Equal("internal error (InvalidOperationException): something broke", status.Detail);
    }

    [Fact]
    public void ToStatus_UnknownExceptionOneLine_InternalWithWholeMessage()
    {
        var status = DomainErrorInterceptor.ToStatus(new KeyNotFoundException("no such key"));

        Assert.Equal((StatusCode.Internal, "internal error (KeyNotFoundException): no such key"), (status.StatusCode, status.Detail));
    }

    [Fact]
    public void ToStatus_FailoverNotFound_NotFoundNamingTheFailover()
    {
        var status = DomainErrorInterceptor.ToStatus(new FailoverNotFoundException("hv-1-3"));

        Assert.Equal((StatusCode.NotFound, "failover hv-1-3 not found"), (status.StatusCode, status.Detail));
    }

    [Fact]
    public void ToStatus_OperationInProgress_FailedPreconditionNamingTheOperation()
    {
        var status = DomainErrorInterceptor.ToStatus(new OperationInProgressException("vm web-1", "op-7"));

        Assert.Equal(
            (StatusCode.FailedPrecondition, "vm web-1 has operation op-7 in progress; wait for it or cancel it"),
            (status.StatusCode, status.Detail));
    }
}
