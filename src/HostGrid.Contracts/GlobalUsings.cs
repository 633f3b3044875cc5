global using HostGrid.Contracts.Hosts;
global using Orleans.Concurrency;
