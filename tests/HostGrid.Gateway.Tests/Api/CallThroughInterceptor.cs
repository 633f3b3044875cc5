using Grpc.Core;
using HostGrid.Gateway.Api;
using Microsoft.Extensions.Logging.Abstractions;

namespace HostGrid.Gateway.Tests.Api;

/// <summary>Runs a handler as the gateway does, through <see cref="DomainErrorInterceptor"/>, so a test sees the gRPC status a client would.</summary>
internal static class CallThroughInterceptor
{
    private static readonly DomainErrorInterceptor Interceptor = new(NullLogger<DomainErrorInterceptor>.Instance);

    public static Task<TResponse> RunAsync<TRequest, TResponse>(TRequest request, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class
        where TResponse : class =>
        Interceptor.UnaryServerHandler(request, null!, (r, c) => handler(r, c));

    public static async Task<Status> StatusOfAsync<TRequest, TResponse>(TRequest request, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class
        where TResponse : class =>
        (await Assert.ThrowsAsync<RpcException>(() => RunAsync(request, handler))).Status;
}
