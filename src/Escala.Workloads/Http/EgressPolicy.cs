using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Escala.Configuration;

namespace Escala.Workloads.Http;

/// <summary>
/// Where the <c>http</c> kind may connect. Checked on the address actually connected to (after DNS), so a
/// name that resolves to a private address, or re-resolves to one later (DNS rebinding), is refused too.
/// Refused unless allowed by <c>security:egress:allow</c>: loopback, link-local (cloud metadata at
/// 169.254.169.254), private and unique-local ranges, carrier-grade NAT, multicast, unspecified, and every
/// address of this machine.
/// </summary>
public sealed class EgressPolicy
{
    private readonly IReadOnlyList<EgressRule> _rules;
    private readonly bool _allowPublic;
    private readonly Lazy<HashSet<IPAddress>> _own = new(OwnAddresses);

    /// <summary>Builds the policy; throws when an allow-list entry does not parse (configuration validates them first).</summary>
    public EgressPolicy(EgressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _rules = options.Allow.Select(text => EgressRule.TryParse(text, out var rule) ? rule
            : throw new ArgumentException($"security:egress:allow: '{text}' is not a host, *.domain or address range.", nameof(options))).ToList();
        _allowPublic = options.AllowPublic;
    }

    /// <summary>The default: public addresses only.</summary>
    public static EgressPolicy PublicOnly { get; } = new(new EgressOptions());

    /// <summary>True when a connection to <paramref name="address"/> for <paramref name="host"/> (the URL's host) may be made.</summary>
    public bool Allows(string host, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_rules.Any(rule => rule.MatchesAddress(address) || rule.MatchesHost(host)))
        {
            return true;
        }

        return _allowPublic && !IsInternal(address) && !_own.Value.Contains(address);
    }

    /// <summary>Loopback, link-local, private, unique-local, CGNAT, multicast, unspecified, broadcast and documentation-reserved "this network".</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xC0) == 64) || b[0] >= 224
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) || (b[0] == 198 && (b[1] & 0xFE) == 18);
        }

        var bytes = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
            || (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b) // NAT64 can reach IPv4 internals
            || (bytes[0] == 0x20 && bytes[1] == 0x02); // 6to4 embeds an IPv4 address
    }

    private static HashSet<IPAddress> OwnAddresses()
    {
        var own = new HashSet<IPAddress>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    own.Add(unicast.Address);
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Unknown: the internal ranges still hold.
        }

        return own;
    }
}
