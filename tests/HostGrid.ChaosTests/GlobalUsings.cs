global using HostGrid.Api.V1;
global using HostGrid.Testing;
global using Xunit;
