namespace Escala.Workloads.Pii;

/// <summary>
/// The check-digit rules of Brazilian identifiers, each citing its source. Every method takes the identifier's
/// characters without mask (digits, and for the alphanumeric CNPJ upper-case letters) and answers whether its
/// check digits are right. Identifiers made of one repeated digit are refused: issuers never assign them.
/// </summary>
public static class CheckDigits
{
    /// <summary>
    /// CPF: two modulo-11 digits, weights 10..2 then 11..2, remainder below 2 gives 0.
    /// Source: Receita Federal do Brasil, cálculo dos dígitos verificadores do CPF (módulo 11), as published with the
    /// CPF's regulation (Instrução Normativa RFB nº 1.548/2015, which defines the number as 9 digits + 2 DVs).
    /// </summary>
    public static bool IsCpf(ReadOnlySpan<char> d)
    {
        if (d.Length != 11 || !AllDigits(d) || AllSame(d))
        {
            return false;
        }

        return Mod11Cpf(d, 9, 10) == d[9] - '0' && Mod11Cpf(d, 10, 11) == d[10] - '0';
    }

    private static int Mod11Cpf(ReadOnlySpan<char> d, int count, int firstWeight)
    {
        var sum = 0;
        for (var i = 0; i < count; i++)
        {
            sum += (d[i] - '0') * (firstWeight - i);
        }

        var r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }

    private static readonly int[] CnpjWeights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

    /// <summary>
    /// CNPJ, numeric and alphanumeric: 12 characters (digits, or from July 2026 also upper-case letters in the
    /// first 12 positions) and two numeric modulo-11 digits, weights 5..2,9..2 then 6..2,9..2; each character is
    /// valued by its ASCII code minus 48 (so '0'..'9' are 0..9 and 'A' is 17). Source: Instrução Normativa RFB
    /// nº 2.229/2024 and the Receita Federal's "CNPJ Alfanumérico — cálculo do DV" (Serpro reference code).
    /// </summary>
    public static bool IsCnpj(ReadOnlySpan<char> d)
    {
        if (d.Length != 14 || !char.IsAsciiDigit(d[12]) || !char.IsAsciiDigit(d[13]) || AllSame(d))
        {
            return false;
        }

        for (var i = 0; i < 12; i++)
        {
            if (!char.IsAsciiDigit(d[i]) && !char.IsAsciiLetterUpper(d[i]))
            {
                return false;
            }
        }

        return CnpjDigit(d, 12) == d[12] - '0' && CnpjDigit(d, 13) == d[13] - '0';
    }

    private static int CnpjDigit(ReadOnlySpan<char> d, int count)
    {
        var sum = 0;
        var offset = CnpjWeights.Length - count;
        for (var i = 0; i < count; i++)
        {
            sum += (d[i] - 48) * CnpjWeights[offset + i];
        }

        var r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }

    /// <summary>
    /// CNS (Cartão Nacional de Saúde), 15 digits. Definitive numbers start with 1 or 2: the first 11 digits (a PIS)
    /// weighted 15..5, DV = 11 − sum mod 11 (11 gives 0; 10 adds 2 to the sum and the number gets "001" before the DV,
    /// otherwise "000"). Provisional numbers start with 7, 8 or 9: the sum of all 15 digits weighted 15..1 is a
    /// multiple of 11. Source: Ministério da Saúde/DATASUS, "Cartão Nacional de Saúde — rotina de validação do CNS".
    /// </summary>
    public static bool IsCns(ReadOnlySpan<char> d)
    {
        if (d.Length != 15 || !AllDigits(d) || AllSame(d))
        {
            return false;
        }

        switch (d[0])
        {
            case '1' or '2':
                {
                    var sum = 0;
                    for (var i = 0; i < 11; i++)
                    {
                        sum += (d[i] - '0') * (15 - i);
                    }

                    var dv = 11 - (sum % 11);
                    var middle = "000";
                    if (dv == 11)
                    {
                        dv = 0;
                    }
                    else if (dv == 10)
                    {
                        sum += 2;
                        dv = 11 - (sum % 11);
                        middle = "001";
                    }

                    return d.Slice(11, 3).SequenceEqual(middle) && d[14] - '0' == dv;
                }
            case '7' or '8' or '9':
                {
                    var sum = 0;
                    for (var i = 0; i < 15; i++)
                    {
                        sum += (d[i] - '0') * (15 - i);
                    }

                    return sum % 11 == 0;
                }
            default:
                return false;
        }
    }

    /// <summary>
    /// PIS/PASEP/NIS/NIT, 11 digits: one modulo-11 digit, weights 3,2,9,8,7,6,5,4,3,2; DV = 11 − sum mod 11, 10 or 11
    /// gives 0. Source: Caixa Econômica Federal, "Cálculo do dígito verificador do PIS/PASEP/NIT" (manual do CNIS).
    /// </summary>
    public static bool IsPis(ReadOnlySpan<char> d)
    {
        if (d.Length != 11 || !AllDigits(d) || AllSame(d))
        {
            return false;
        }

        ReadOnlySpan<int> weights = [3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            sum += (d[i] - '0') * weights[i];
        }

        var dv = 11 - (sum % 11);
        return (dv >= 10 ? 0 : dv) == d[10] - '0';
    }

    /// <summary>
    /// Título de Eleitor, 12 digits: 8 sequential digits, the state code (01..28) and two DVs. DV1 = sum of the
    /// sequence weighted 2..9, mod 11; DV2 = (state digits weighted 7, 8 and DV1 weighted 9) mod 11; a remainder of 10
    /// gives 0, and for SP (01) and MG (02) a remainder of 0 gives 1. Source: Tribunal Superior Eleitoral, Resolução
    /// TSE nº 21.538/2003 (art. 10) and its "cálculo dos dígitos verificadores da inscrição eleitoral".
    /// </summary>
    public static bool IsTituloEleitor(ReadOnlySpan<char> d)
    {
        if (d.Length != 12 || !AllDigits(d) || AllSame(d))
        {
            return false;
        }

        var state = ((d[8] - '0') * 10) + (d[9] - '0');
        if (state is < 1 or > 28)
        {
            return false;
        }

        var spOrMg = state is 1 or 2;
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (d[i] - '0') * (i + 2);
        }

        var dv1 = TituloDigit(sum % 11, spOrMg);
        var dv2 = TituloDigit((((d[8] - '0') * 7) + ((d[9] - '0') * 8) + (dv1 * 9)) % 11, spOrMg);
        return dv1 == d[10] - '0' && dv2 == d[11] - '0';
    }

    private static int TituloDigit(int remainder, bool spOrMg) =>
        remainder == 10 ? 0 : remainder == 0 && spOrMg ? 1 : remainder;

    /// <summary>
    /// RENAVAM, 11 digits (older 9-digit numbers are left-padded with zeros): DV = (sum of the first 10 digits weighted
    /// 3,2,9,8,7,6,5,4,3,2) × 10 mod 11, 10 gives 0. Source: DENATRAN, Registro Nacional de Veículos Automotores (11-digit RENAVAM, módulo 11 with weights 3,2,9..2).
    /// </summary>
    public static bool IsRenavam(ReadOnlySpan<char> d)
    {
        if (d.Length != 11 || !AllDigits(d) || AllSame(d))
        {
            return false;
        }

        ReadOnlySpan<int> weights = [3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            sum += (d[i] - '0') * weights[i];
        }

        var dv = sum * 10 % 11;
        return (dv == 10 ? 0 : dv) == d[10] - '0';
    }

    /// <summary>
    /// CNH (registro da Carteira Nacional de Habilitação), 11 digits: DV1 = sum of the first 9 weighted 9..1 mod 11
    /// (10 gives 0 and a discount of 2); DV2 = (sum weighted 1..9 mod 11) − discount, 10 or more gives 0 (the
    /// variant that wraps a negative result by 11 is accepted too). Source: DENATRAN; the number
    /// is the numbering of the Registro Nacional de Condutores Habilitados (RENACH); the algorithm is DENATRAN's, as
    /// distributed to the DETRANs and reproduced by the Python <c>validate-docbr</c> package.
    /// </summary>
    public static bool IsCnh(ReadOnlySpan<char> d)
    {
        if (d.Length != 11 || !AllDigits(d) || AllSame(d))
        {
            return false;
        }

        int s1 = 0, s2 = 0;
        for (var i = 0; i < 9; i++)
        {
            s1 += (d[i] - '0') * (9 - i);
            s2 += (d[i] - '0') * (i + 1);
        }

        var dv1 = s1 % 11;
        var discount = 0;
        if (dv1 >= 10)
        {
            dv1 = 0;
            discount = 2;
        }

        if (dv1 != d[9] - '0')
        {
            return false;
        }

        var x = s2 % 11;
        var expected = d[10] - '0';
        var plain = x >= 10 ? 0 : x - discount;
        var wrapped = x - discount;
        if (wrapped < 0)
        {
            wrapped += 11;
        }

        if (wrapped >= 10)
        {
            wrapped = 0;
        }

        return plain == expected || wrapped == expected;
    }

    /// <summary>
    /// RG of São Paulo (SSP-SP), 8 digits and a DV that may be X: sum of the digits weighted 2..9, DV = 11 − sum mod 11,
    /// 10 gives X and 11 gives 0. Source: Secretaria da Segurança Pública de São Paulo / IIRGD, "cálculo do dígito do RG".
    /// </summary>
    public static bool IsRgSp(ReadOnlySpan<char> d)
    {
        if (d.Length != 9 || !AllDigits(d[..8]) || AllSame(d[..8]))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (d[i] - '0') * (i + 2);
        }

        var dv = 11 - (sum % 11);
        var last = d[8];
        return dv switch
        {
            10 => last is 'X' or 'x',
            11 => last == '0',
            _ => last - '0' == dv,
        };
    }

    /// <summary>Luhn (mod 10) of payment card numbers, 13 to 19 digits. Source: ISO/IEC 7812-1:2017, Annex B.</summary>
    public static bool IsLuhn(ReadOnlySpan<char> d)
    {
        if (d.Length is < 12 or > 19 || !AllDigits(d) || AllSame(d))
        {
            return false;
        }

        var sum = 0;
        var twice = false;
        for (var i = d.Length - 1; i >= 0; i--)
        {
            var n = d[i] - '0';
            if (twice)
            {
                n *= 2;
                if (n > 9)
                {
                    n -= 9;
                }
            }

            sum += n;
            twice = !twice;
        }

        return sum % 10 == 0;
    }

    internal static bool AllDigits(ReadOnlySpan<char> d) => !d.ContainsAnyExceptInRange('0', '9');

    internal static bool AllSame(ReadOnlySpan<char> d) => d.Length > 0 && !d.ContainsAnyExcept(d[0]);
}
