using Grpc.Core;
using Grpc.Core.Interceptors;
using HostGrid.Contracts.Errors;

namespace HostGrid.Gateway.Api;

/// <summary>The one place where HostGrid's domain errors become gRPC statuses.</summary>
public sealed partial class DomainErrorInterceptor : Interceptor
{
    private readonly ILogger<DomainErrorInterceptor> _logger;

    public DomainErrorInterceptor(ILogger<DomainErrorInterceptor> logger) => _logger = logger;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            var status = ToStatus(e);
            if (status.StatusCode == StatusCode.Internal)
            {
                LogUnexpected(e, context.Method);
            }

            throw new RpcException(status);
        }
    }

    public static Status ToStatus(Exception e) => e switch
    {
        InvalidSpecException => new Status(StatusCode.InvalidArgument, e.Message),
        VmNotFoundException or HostNotFoundException or FailoverNotFoundException or OperationNotFoundException
            => new Status(StatusCode.NotFound, e.Message),
        VmAlreadyExistsException => new Status(StatusCode.AlreadyExists, e.Message),
        InsufficientCapacityException => new Status(StatusCode.ResourceExhausted, e.Message),
        InvalidStateException or OperationInProgressException => new Status(StatusCode.FailedPrecondition, e.Message),
        // The move was tried and rolled back (no convergence, peer lost, timeout): retrying the whole request may succeed.
        MigrationFailedException => new Status(StatusCode.Aborted, e.Message),
        StaleEpochException => new Status(StatusCode.Aborted, e.Message),
        HostUnreachableException => new Status(StatusCode.Unavailable, e.Message),
        // A guest process that would not start or answer: another try, perhaps on another host, may succeed.
        HypervisorFailedException => new Status(StatusCode.Unavailable, e.Message),
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or GatewayTooBusyException
            => new Status(StatusCode.Unavailable, $"cluster unavailable: {FirstLine(e.Message)}"),
        OperationCanceledException => new Status(StatusCode.Cancelled, "request cancelled"),
        _ => new Status(StatusCode.Internal, $"internal error ({e.GetType().Name}): {FirstLine(e.Message)}"),
    };

    /// <summary>Orleans' messages carry stack traces after the first line; clients need only the first.</summary>
    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    [LoggerMessage(EventId = Core.Diagnostics.LogEvents.RequestFailed, Level = LogLevel.Error, Message = "Unexpected error in {Method}")]
    private partial void LogUnexpected(Exception e, string method);
}
