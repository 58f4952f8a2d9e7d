using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Escala.Workloads.Callbacks;

/// <summary>
/// The <c>Escala-Signature</c> header of a callback: <c>t=UNIX,v1=HEX</c>, where HEX is the lower-case hex of
/// HMAC-SHA256(secret, "UNIX.BODY"). The receiver recomputes it over the raw body and rejects an old <c>t</c>.
/// </summary>
public static class CallbackSignature
{
    /// <summary>The header's name.</summary>
    public const string Header = "Escala-Signature";

    /// <summary>The header's value for <paramref name="body"/> sent at <paramref name="unixSeconds"/>.</summary>
    public static string For(string secret, long unixSeconds, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var signed = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "." + body);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }
}
