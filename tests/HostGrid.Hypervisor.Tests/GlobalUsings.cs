global using HostGrid.Contracts;
global using HostGrid.Contracts.Errors;
global using HostGrid.Contracts.Hosts;
global using Xunit;
