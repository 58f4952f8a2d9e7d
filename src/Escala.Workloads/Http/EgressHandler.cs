using System.Net;
using System.Net.Sockets;

namespace Escala.Workloads.Http;

/// <summary>
/// The <c>http</c> kind's connection handler: every connection's address is checked against the
/// <see cref="EgressPolicy"/> at connect time (after DNS, so rebinding cannot slip past a check made
/// earlier); redirects are not followed (a 3xx fails the job, so a redirect cannot lead inside); no proxy
/// (it would hide the address).
/// </summary>
public static class EgressHandler
{
    /// <summary>A handler that connects only where <paramref name="policy"/> allows.</summary>
    public static SocketsHttpHandler Create(EgressPolicy policy) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, ct);
            var allowed = addresses.Where(address => policy.Allows(host, address)).ToArray();
            if (allowed.Length == 0)
            {
                throw new EgressRefusedException(
                    $"'{host}' resolves to an address the http kind may not reach (loopback, private, link-local or this server); allow it under security:egress:allow.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

/// <summary>A connection the egress policy refused: the job fails without retry.</summary>
public sealed class EgressRefusedException(string message) : IOException(message);
