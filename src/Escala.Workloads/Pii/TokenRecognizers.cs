using System.Net;
using System.Net.Sockets;

namespace Escala.Workloads.Pii;

/// <summary>The entities that are not plain numbers: e-mail addresses, PIX random keys, IPv6, plates and alphanumeric CNPJs.</summary>
internal static class TokenRecognizers
{
    /// <summary>The e-mail address around the '@' at <paramref name="at"/>, if it is one.</summary>
    public static bool TryEmail(ReadOnlySpan<char> text, int at, out Candidate candidate)
    {
        candidate = default;
        var start = at;
        while (start > 0 && start > at - 64 && IsLocal(text[start - 1]))
        {
            start--;
        }

        while (start < at && text[start] is '.' or '-' or '+')
        {
            start++;
        }

        var end = at + 1;
        var lastDot = -1;
        while (end < text.Length && end - at < 256 && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '.' or '-'))
        {
            if (text[end] == '.')
            {
                lastDot = end;
            }

            end++;
        }

        while (end > at + 1 && text[end - 1] is '.' or '-')
        {
            end--;
            if (lastDot >= end)
            {
                lastDot = text[(at + 1)..end].LastIndexOf('.') is var i and >= 0 ? at + 1 + i : -1;
            }
        }

        if (start == at || lastDot < 0 || end - lastDot - 1 < 2 || !text[(lastDot + 1)..end].ContainsAnyExcept(Digits) ||
            text[at + 1] == '.')
        {
            return false;
        }

        candidate = new Candidate(PiiTypes.Email, start, end, 1.0);
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    private static bool IsLocal(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    /// <summary>A UUID (8-4-4-4-12 hex digits), the form of a PIX random key ("chave aleatória", EVP), starting at <paramref name="start"/>.</summary>
    public static bool TryUuid(ReadOnlySpan<char> text, int start, out Candidate candidate)
    {
        candidate = default;
        if (start + 36 > text.Length || (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1])) ||
            (start + 36 < text.Length && (char.IsAsciiLetterOrDigit(text[start + 36]) || text[start + 36] == '-')))
        {
            return false;
        }

        for (var i = 0; i < 36; i++)
        {
            var c = text[start + i];
            if (i is 8 or 13 or 18 or 23 ? c != '-' : !char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        var context = NumberRecognizer.ContextOf(text, start);
        var reference = (context & (1 << (int)ContextCategory.Reference)) != 0;
        var pix = (context & (1 << (int)ContextCategory.Pix)) != 0;
        candidate = new Candidate(PiiTypes.PixKey, start, start + 36, reference ? 0.3 : pix ? 1.0 : 0.8);
        return true;
    }

    /// <summary>An IPv6 address through the digit at <paramref name="digit"/>, validated by <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/>.</summary>
    public static bool TryIpv6(ReadOnlySpan<char> text, int digit, out Candidate candidate)
    {
        candidate = default;
        var start = digit;
        while (start > 0 && digit - start < 45 && (char.IsAsciiHexDigit(text[start - 1]) || text[start - 1] == ':'))
        {
            start--;
        }

        var end = digit;
        while (end < text.Length && end - start < 45 && (char.IsAsciiHexDigit(text[end]) || text[end] is ':' or '.'))
        {
            end++;
        }

        while (end > start && text[end - 1] is '.' or ':' && !(text[end - 1] == ':' && end - 2 >= start && text[end - 2] == ':'))
        {
            end--;
        }

        var token = text[start..end];
        if (token.Count(':') < 2 || (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1])) ||
            (end < text.Length && char.IsAsciiLetterOrDigit(text[end])) ||
            !IPAddress.TryParse(token, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var context = NumberRecognizer.ContextOf(text, start);
        candidate = new Candidate(PiiTypes.IpAddress, start, end, (context & (1 << (int)ContextCategory.Reference)) != 0 ? 0.3 : 0.9);
        return true;
    }

    /// <summary>
    /// A vehicle plate whose first digit is at <paramref name="digit"/>: the old form LLL-NNNN (also LLL NNNN, LLLNNNN)
    /// or the Mercosul form LLLNLNN (Resolução CONTRAN nº 780/2019). Letters are upper case.
    /// </summary>
    public static bool TryPlate(ReadOnlySpan<char> text, int digit, out Candidate candidate)
    {
        candidate = default;
        var letters = digit - 3;
        var separated = false;
        if (letters >= 0 && IsUpper3(text, letters))
        {
            // LLLN…
        }
        else if (digit - 4 >= 0 && text[digit - 1] is '-' or ' ' && IsUpper3(text, digit - 4))
        {
            letters = digit - 4;
            separated = true;
        }
        else
        {
            return false;
        }

        if ((letters > 0 && char.IsAsciiLetterOrDigit(text[letters - 1])) || digit + 4 > text.Length ||
            (digit + 4 < text.Length && char.IsAsciiLetterOrDigit(text[digit + 4])))
        {
            return false;
        }

        var second = text[digit + 1];
        var mercosul = char.IsAsciiLetterUpper(second);
        if (!(mercosul || char.IsAsciiDigit(second)) || !char.IsAsciiDigit(text[digit + 2]) || !char.IsAsciiDigit(text[digit + 3]))
        {
            return false;
        }

        var context = NumberRecognizer.ContextOf(text, letters);
        var reference = (context & (1 << (int)ContextCategory.Reference)) != 0;
        var plate = (context & (1 << (int)ContextCategory.Plate)) != 0;
        var score = reference ? 0.2 : plate ? 1.0 : mercosul ? 0.8 : separated && text[digit - 1] == '-' ? 0.7 : 0.5;
        candidate = new Candidate(PiiTypes.VehiclePlate, letters, digit + 4, score);
        return true;
    }

    private static bool IsUpper3(ReadOnlySpan<char> text, int at) =>
        char.IsAsciiLetterUpper(text[at]) && char.IsAsciiLetterUpper(text[at + 1]) && char.IsAsciiLetterUpper(text[at + 2]);

    /// <summary>An alphanumeric CNPJ (IN RFB nº 2.229/2024) starting at <paramref name="start"/>: AA.AAA.AAA/AAAA-DD or unmasked, with at least one letter.</summary>
    public static bool TryAlphanumericCnpj(ReadOnlySpan<char> text, int start, out Candidate candidate)
    {
        candidate = default;
        if (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
        {
            return false;
        }

        Span<char> chars = stackalloc char[14];
        int end;
        if (start + 18 <= text.Length && text[start + 2] == '.' && text[start + 6] == '.' && text[start + 10] == '/' && text[start + 15] == '-')
        {
            var n = 0;
            for (var i = 0; i < 18; i++)
            {
                if (i is 2 or 6 or 10 or 15)
                {
                    continue;
                }

                chars[n++] = text[start + i];
            }

            end = start + 18;
        }
        else if (start + 14 <= text.Length)
        {
            text.Slice(start, 14).CopyTo(chars);
            end = start + 14;
        }
        else
        {
            return false;
        }

        if ((end < text.Length && char.IsAsciiLetterOrDigit(text[end])) || !chars[..12].ContainsAnyInRange('A', 'Z') ||
            !CheckDigits.IsCnpj(chars))
        {
            return false;
        }

        var reference = (NumberRecognizer.ContextOf(text, start) & (1 << (int)ContextCategory.Reference)) != 0;
        candidate = new Candidate(PiiTypes.Cnpj, start, end, reference ? 0.2 : 1.0);
        return true;
    }
}
