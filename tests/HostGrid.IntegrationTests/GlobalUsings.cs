global using HostGrid.Api.V1;
global using Xunit;
