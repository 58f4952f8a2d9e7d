namespace Escala.Workloads.Pii.Corpus;

/// <summary>
/// Random identifiers for the corpus: valid ones are drawn and completed by search over their check digits (the
/// generator never re-implements a rule), written in the masks people use.
/// </summary>
internal sealed class CorpusValues(Random random)
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public string Digits(int count)
    {
        Span<char> d = stackalloc char[count];
        for (var i = 0; i < count; i++)
        {
            d[i] = (char)('0' + random.Next(10));
        }

        return new string(d);
    }

    /// <summary>A random prefix completed with the first suffix of <paramref name="suffix"/> digits that <paramref name="valid"/> accepts.</summary>
    public string Complete(string prefix, int suffix, Func<string, bool> valid)
    {
        var limit = (int)Math.Pow(10, suffix);
        var offset = random.Next(limit);
        for (var k = 0; k < limit; k++)
        {
            var candidate = prefix + ((k + offset) % limit).ToString().PadLeft(suffix, '0');
            if (valid(candidate))
            {
                return candidate;
            }
        }

        return Complete(Digits(prefix.Length), suffix, valid);
    }

    public string Cpf() => Complete(Digits(9), 2, s => Pii.CheckDigits.IsCpf(s));

    public string Cnpj() => Complete(Digits(8) + "0001", 2, s => Pii.CheckDigits.IsCnpj(s));

    public string CnpjAlphanumeric()
    {
        var chars = new char[12];
        for (var i = 0; i < 12; i++)
        {
            chars[i] = random.Next(3) == 0 ? Upper[random.Next(26)] : (char)('0' + random.Next(10));
        }

        chars[random.Next(8)] = Upper[random.Next(26)];
        return Complete(new string(chars), 2, s => Pii.CheckDigits.IsCnpj(s));
    }

    public string Cns() => random.Next(2) == 0
        ? Complete((random.Next(2) == 0 ? "1" : "2") + Digits(10), 4, s => Pii.CheckDigits.IsCns(s))
        : Complete("789"[random.Next(3)] + Digits(12), 2, s => Pii.CheckDigits.IsCns(s));

    public string Pis() => Complete(Digits(10), 1, s => Pii.CheckDigits.IsPis(s));

    public string Titulo() => Complete(Digits(8) + (1 + random.Next(28)).ToString("00"), 2, s => Pii.CheckDigits.IsTituloEleitor(s));

    public string Renavam() => Complete(Digits(10), 1, s => Pii.CheckDigits.IsRenavam(s));

    public string Cnh() => Complete(Digits(9), 2, s => Pii.CheckDigits.IsCnh(s));

    public string RgSp()
    {
        var body = Digits(8);
        foreach (var last in "0123456789X")
        {
            if (Pii.CheckDigits.IsRgSp(body + last))
            {
                return body + last;
            }
        }

        return RgSp();
    }

    public string Card()
    {
        string[] prefixes = ["4", "51", "52", "53", "54", "55", "2221", "6062", "5067", "4011", "36", "34", "37"];
        var prefix = prefixes[random.Next(prefixes.Length)];
        var length = prefix is "34" or "37" ? 15 : prefix == "36" ? 14 : 16;
        return Complete(prefix + Digits(length - prefix.Length - 1), 1, s => Pii.CheckDigits.IsLuhn(s));
    }

    /// <summary>A number that fails <paramref name="valid"/>: the valid one with its last digit changed.</summary>
    public static string Broken(string value, Func<string, bool> valid, Random random)
    {
        for (var k = 1; k < 10; k++)
        {
            var last = (char)('0' + (((value[^1] - '0') + k + random.Next(9)) % 10));
            var broken = value[..^1] + last;
            if (!valid(broken))
            {
                return broken;
            }
        }

        return value[..^2] + "00";
    }

    public string AreaCode()
    {
        string[] codes = ["11", "21", "31", "41", "51", "61", "71", "81", "91", "19", "27", "47", "48", "62", "85", "92", "98", "12", "16", "34"];
        return codes[random.Next(codes.Length)];
    }

    public string Mobile() => "9" + (6 + random.Next(4)) + Digits(7);

    public string Landline() => (2 + random.Next(4)) + Digits(7);

    public string Plate(bool mercosul)
    {
        var letters = new string([Upper[random.Next(26)], Upper[random.Next(26)], Upper[random.Next(26)]]);
        return mercosul
            ? $"{letters}{random.Next(10)}{Upper[random.Next(26)]}{random.Next(10)}{random.Next(10)}"
            : $"{letters}-{Digits(4)}";
    }

    public static string Mask(string digits, string mask)
    {
        var chars = new char[mask.Length];
        var k = 0;
        for (var i = 0; i < mask.Length; i++)
        {
            chars[i] = mask[i] == '#' ? digits[k++] : mask[i];
        }

        return new string(chars);
    }
}
