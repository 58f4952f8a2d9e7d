using System.Security.Cryptography;
using System.Text;

namespace Escala.Security;

/// <summary>
/// Makes and checks key secrets. A key reads <c>esk_{id}_{secret}</c>: 12 random base-32 characters of id
/// (looked up), 43 characters of a 256-bit secret (hashed with SHA-256 and compared in constant time).
/// </summary>
public static class ApiKeySecrets
{
    public const string Prefix = "esk_";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const int IdLength = 12;

    /// <summary>A new key's id and the full text the caller is shown once.</summary>
    public static (string Id, string Text, byte[] Hash) Create()
    {
        var id = RandomNumberGenerator.GetString(Alphabet, IdLength);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (id, $"{Prefix}{id}_{secret}", Hash(secret));
    }

    /// <summary>Splits a presented key into id and secret; false when it does not have the key's shape.</summary>
    public static bool TryParse(string? text, out string id, out string secret)
    {
        id = secret = "";
        if (text is null || text.Length != Prefix.Length + IdLength + 1 + 43 || !text.StartsWith(Prefix, StringComparison.Ordinal)
            || text[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        id = text.Substring(Prefix.Length, IdLength);
        secret = text[(Prefix.Length + IdLength + 1)..];
        foreach (var c in id)
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>True when <paramref name="secret"/> hashes to <paramref name="hash"/>, in constant time.</summary>
    public static bool Matches(string secret, byte[] hash) => CryptographicOperations.FixedTimeEquals(Hash(secret), hash);

    /// <summary>True for an id as <see cref="Create"/> makes them (for the API's path parameter).</summary>
    public static bool IsValidId(string? id) => id is { Length: IdLength } && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
