using System.Net;
using System.Net.Sockets;

namespace Escala.Workloads.Http;

/// <summary>One entry of the egress allow-list: a host name, <c>*.domain</c>, an address or a range <c>10.0.0.0/8</c>.</summary>
public sealed class EgressRule
{
    private readonly string? _host;
    private readonly string? _suffix;
    private readonly IPAddress? _network;
    private readonly int _prefix;

    private EgressRule(string? host, string? suffix, IPAddress? network, int prefix)
    {
        _host = host;
        _suffix = suffix;
        _network = network;
        _prefix = prefix;
    }

    /// <summary>Parses an entry; false when it is neither a host name, <c>*.domain</c>, an address nor a range.</summary>
    public static bool TryParse(string? text, out EgressRule rule)
    {
        rule = new EgressRule(null, null, null, 0);
        var value = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? value : value[..slash];
        if (IPAddress.TryParse(addressText.Trim('[', ']'), out var address))
        {
            var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            var prefix = max;
            if (slash >= 0 && (!int.TryParse(value[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix < 0 || prefix > max))
            {
                return false;
            }

            rule = new EgressRule(null, null, address, prefix);
            return true;
        }

        if (slash >= 0)
        {
            return false;
        }

        if (value.StartsWith("*.", StringComparison.Ordinal) && Uri.CheckHostName(value[2..]) == UriHostNameType.Dns)
        {
            rule = new EgressRule(null, value[1..], null, 0);
            return true;
        }

        if (Uri.CheckHostName(value) == UriHostNameType.Dns)
        {
            rule = new EgressRule(value, null, null, 0);
            return true;
        }

        return false;
    }

    /// <summary>True when the rule names this host (by name, before resolution).</summary>
    public bool MatchesHost(string host) =>
        (_host is not null && string.Equals(host, _host, StringComparison.OrdinalIgnoreCase))
        || (_suffix is not null && host.EndsWith(_suffix, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the rule's range holds this address.</summary>
    public bool MatchesAddress(IPAddress address)
    {
        if (_network is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != _network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = _network.GetAddressBytes();
        var bits = _prefix;
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
