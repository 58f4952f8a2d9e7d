using System.Net;
using System.Net.Sockets;

namespace Escala.Server.Hosting;

/// <summary>
/// Checks made before anything starts, so a common mistake ends in one line naming the cause and the fix
/// (<see cref="StartupProblemException"/>) instead of a stack trace from deep inside Kestrel or SQLite.
/// </summary>
public static class StartupChecks
{
    /// <summary>Each URL's port can be bound on its address (a port taken by another process is the usual failure).</summary>
    public static void Listen(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Port == 0)
            {
                continue;
            }

            var address = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip : null;
            if (address is null)
            {
                continue;
            }

            try
            {
                using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // as Kestrel: TIME_WAIT is no conflict
                probe.Bind(new IPEndPoint(address, uri.Port));
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw PortInUse(url, uri.Port, ex);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
            {
                throw new StartupProblemException($"Cannot listen on {url}: port {uri.Port} needs more privileges. Fix: use a port above 1023, e.g. --urls http://127.0.0.1:8080.", ex);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
            {
                throw new StartupProblemException($"Cannot listen on {url}: {uri.Host} is not an address of this machine. Fix: pass --urls with one of its addresses, e.g. http://127.0.0.1:{uri.Port}.", ex);
            }
        }
    }

    /// <summary>The message for a port taken between the check and Kestrel's bind.</summary>
    public static StartupProblemException PortInUse(string url, int? port, Exception inner) =>
        new($"Cannot listen on {url}: the port is already in use (another escala serve?). Fix: stop that process, or pass another port with --urls"
            + (port is { } p ? $", e.g. --urls http://127.0.0.1:{p + 1}." : "."), inner);

    /// <summary>The SQLite data directory exists (or can be created) and a file can be written in it.</summary>
    public static void DataDirectory(string directory)
    {
        var full = Path.GetFullPath(directory);
        var probe = Path.Combine(full, $".escala-write-check-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(full);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            var why = ex switch
            {
                UnauthorizedAccessException => "permission denied",
                DirectoryNotFoundException => "a parent is missing or is not a directory",
                _ => "it cannot be created or written",
            };
            throw new StartupProblemException($"Cannot use the data directory {full}: {why}. Fix: pass --data with a directory this user can write, or fix its permissions (chown/chmod).", ex);
        }
    }
}
