using System.Net;

namespace Escala.Server.LoadTest;

/// <summary>Load tests drive only this machine: a target must be 127.0.0.1, ::1 or localhost.</summary>
public static class LoopbackGuard
{
    public static bool IsLoopback(Uri target) =>
        target.IsLoopback || (IPAddress.TryParse(target.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
