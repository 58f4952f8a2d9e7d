using System.Net;
using System.Net.Sockets;

namespace Escala.Cluster.Tests;

/// <summary>Free loopback ports.</summary>
public static class Ports
{
    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
