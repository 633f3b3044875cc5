global using HostGrid.Contracts;
global using HostGrid.Contracts.Hosts;
global using HostGrid.Contracts.Vms;
global using HostGrid.Contracts.Operations;
