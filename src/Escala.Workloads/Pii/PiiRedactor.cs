using System.Security.Cryptography;
using System.Text;

namespace Escala.Workloads.Pii;

/// <summary>Applies a <see cref="RedactionPolicy"/> to the entities of a text.</summary>
public static class PiiRedactor
{
    /// <summary>The text with each entity replaced by its rule's output. <paramref name="entities"/> are in text order, UTF-16 offsets.</summary>
    public static string Redact(string text, IReadOnlyList<PiiEntity> entities, RedactionPolicy policy)
    {
        var builder = new StringBuilder(text.Length);
        Append(builder, text, 0, entities, policy);
        return builder.ToString();
    }

    /// <summary>Appends <paramref name="text"/> (which starts at <paramref name="offset"/> of the whole) redacted.</summary>
    internal static void Append(StringBuilder builder, ReadOnlySpan<char> text, long offset, IReadOnlyList<PiiEntity> entities, RedactionPolicy policy)
    {
        var position = 0;
        foreach (var entity in entities)
        {
            var start = (int)(entity.Start - offset);
            var end = (int)(entity.End - offset);
            if (start < position || end > text.Length)
            {
                continue;
            }

            builder.Append(text[position..start]);
            AppendValue(builder, entity.Type, text[start..end], policy.For(entity.Type), policy.HashKey);
            position = end;
        }

        builder.Append(text[position..]);
    }

    private static void AppendValue(StringBuilder builder, string type, ReadOnlySpan<char> value, RedactionRule rule, byte[] key)
    {
        switch (rule.Operator)
        {
            case RedactionOperator.Keep:
                builder.Append(value);
                break;
            case RedactionOperator.Remove:
                break;
            case RedactionOperator.Mask:
                {
                    var alnum = 0;
                    foreach (var c in value)
                    {
                        alnum += char.IsLetterOrDigit(c) ? 1 : 0;
                    }

                    var hide = alnum - rule.Keep;
                    foreach (var c in value)
                    {
                        if (char.IsLetterOrDigit(c) && hide-- > 0)
                        {
                            builder.Append('*');
                        }
                        else
                        {
                            builder.Append(c);
                        }
                    }

                    break;
                }

            case RedactionOperator.Hash:
                builder.Append('[').Append(type.ToUpperInvariant()).Append(':').Append(Token(value, key)).Append(']');
                break;
            default:
                builder.Append('[').Append(type.ToUpperInvariant()).Append(']');
                break;
        }
    }

    /// <summary>
    /// HMAC-SHA256 of the value's letters and digits (lower case; OCR's o/l read as 0/1 inside numbers is not undone),
    /// so "123.456.789-09" and "12345678909" give one token: the first 12 hex digits.
    /// </summary>
    public static string Token(ReadOnlySpan<char> value, byte[] key)
    {
        Span<char> normalized = stackalloc char[Math.Min(value.Length, 512)];
        var n = 0;
        foreach (var c in value)
        {
            if (n < normalized.Length && (char.IsLetterOrDigit(c) || c is '@' or '.' && value.Contains('@')))
            {
                normalized[n++] = char.ToLowerInvariant(c);
            }
        }

        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(n)];
        var length = Encoding.UTF8.GetBytes(normalized[..n], bytes);
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(key, bytes[..length], hash);
        return Convert.ToHexStringLower(hash[..6]);
    }
}
