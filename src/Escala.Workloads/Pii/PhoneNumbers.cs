namespace Escala.Workloads.Pii;

/// <summary>
/// Brazilian phone numbers by the numbering plan of Anatel (Resolução nº 709/2019 and the plan of area codes, "DDD"):
/// an optional 55 country code, an optional 0 trunk prefix, a two-digit area code in use, then 9 digits starting
/// with 9 (mobile) or 8 digits (fixed). Without an area code, the 9- or 8-digit subscriber number alone.
/// </summary>
internal static class PhoneNumbers
{
    private static readonly bool[] AreaCodes = BuildAreaCodes();

    private static bool[] BuildAreaCodes()
    {
        var codes = new bool[100];
        int[] used =
        [
            11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43, 44, 45, 46, 47, 48,
            49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89,
            91, 92, 93, 94, 95, 96, 97, 98, 99,
        ];
        foreach (var code in used)
        {
            codes[code] = true;
        }

        return codes;
    }

    /// <summary>Whether the digits are a phone number; <paramref name="hasAreaCode"/> says whether they include a DDD.</summary>
    public static bool IsValid(ReadOnlySpan<char> d, bool countryCodeAllowed, out bool hasAreaCode)
    {
        hasAreaCode = false;
        if (d.Length is 12 or 13 or 14 && countryCodeAllowed && d.StartsWith("55"))
        {
            d = d[2..];
        }

        if (d.Length is 11 or 12 && d[0] == '0' && d[1] != '0')
        {
            d = d[1..]; // trunk prefix: (011) 2345-6789
        }

        switch (d.Length)
        {
            case 10 or 11:
                var code = ((d[0] - '0') * 10) + (d[1] - '0');
                if (!AreaCodes[code] || (d.Length == 11 && d[2] != '9') || d[2] == '0')
                {
                    return false;
                }

                hasAreaCode = true;
                return !CheckDigits.AllSame(d[2..]);
            case 9:
                return d[0] == '9' && !CheckDigits.AllSame(d[1..]);
            case 8:
                return d[0] is >= '2' and <= '9' && !CheckDigits.AllSame(d);
            default:
                return false;
        }
    }
}
