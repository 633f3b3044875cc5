global using HostGrid.Contracts;
global using HostGrid.Contracts.Hosts;
