global using HostGrid.Contracts;
global using HostGrid.Contracts.Hosts;
global using HostGrid.Contracts.Vms;
