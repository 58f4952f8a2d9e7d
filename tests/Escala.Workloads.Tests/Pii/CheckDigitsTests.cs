using Escala.Workloads.Pii;

namespace Escala.Workloads.Tests.Pii;

/// <summary>
/// Vectors produced by an independent Python implementation of each rule (and the Receita Federal's published
/// alphanumeric CNPJ example 12.ABC.345/01DE-35); every valid vector is also shown to fail with its last digit changed.
/// </summary>
public sealed class CheckDigitsTests
{
    public static TheoryData<string, string> Valid => new()
    {
        { "cpf", "80162456506" }, { "cpf", "52398680002" }, { "cpf", "05830033542" }, { "cpf", "52998224725" },
        { "cnpj", "93102707000190" }, { "cnpj", "60243757000138" }, { "cnpj", "11222333000181" },
        { "cnpj", "12ABC34501DE35" }, { "cnpj", "DSKX6AG6LQ8M25" }, { "cnpj", "B37YMT9RF27F67" },
        { "cns", "277871121660006" }, { "cns", "215597371470008" }, { "cns", "248253110600000" },
        { "cns", "847315847768634" }, { "cns", "913072407875418" }, { "cns", "819905169918724" },
        { "pis", "62680408509" }, { "pis", "95083044058" }, { "pis", "50429019358" },
        { "titulo", "941347501988" }, { "titulo", "192227050302" }, { "titulo", "748595320159" }, { "titulo", "061537010124" },
        { "renavam", "47642737203" }, { "renavam", "31829716815" }, { "renavam", "65774491609" },
        { "cnh", "79087018726" }, { "cnh", "59967256222" }, { "cnh", "60878828152" },
        { "rg", "787304864" }, { "rg", "251521746" }, { "rg", "59582819X" }, { "rg", "05342816X" },
        { "card", "4854662323606679" }, { "card", "4398391226000144" }, { "card", "5045418403982218" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Rule_ValidNumber_Accepted_AndEveryOtherLastDigitRejected(string type, string number)
    {
        Assert.True(Check(type, number), $"{type} {number} should be valid");
        foreach (var last in "0123456789X")
        {
            if (last != number[^1] && !(type != "rg" && last == 'X'))
            {
                var changed = number[..^1] + last;
                Assert.False(Check(type, changed), $"{type} {changed} should be invalid");
            }
        }
    }

    [Theory]
    [InlineData("00000000000")]
    [InlineData("11111111111")]
    [InlineData("1234567890")]
    [InlineData("123456789012")]
    public void IsCpf_RepeatedDigitsOrWrongLength_Rejected(string number) => Assert.False(CheckDigits.IsCpf(number));

    [Fact]
    public void IsCnpj_LowerCaseLettersOrLetterCheckDigits_Rejected()
    {
        Assert.False(CheckDigits.IsCnpj("12abc34501de35"));
        Assert.False(CheckDigits.IsCnpj("12ABC34501DE3A"));
    }

    [Fact]
    public void IsCns_FirstDigitNotOneTwoSevenEightNine_Rejected() =>
        Assert.False(CheckDigits.IsCns("377871121660006"));

    [Fact]
    public void IsTituloEleitor_StateCodeOutOfRange_Rejected()
    {
        Assert.False(CheckDigits.IsTituloEleitor("123456780000"));
        Assert.False(CheckDigits.IsTituloEleitor("123456782900"));
    }

    private static bool Check(string type, string number) => type switch
    {
        "cpf" => CheckDigits.IsCpf(number),
        "cnpj" => CheckDigits.IsCnpj(number),
        "cns" => CheckDigits.IsCns(number),
        "pis" => CheckDigits.IsPis(number),
        "titulo" => CheckDigits.IsTituloEleitor(number),
        "renavam" => CheckDigits.IsRenavam(number),
        "cnh" => CheckDigits.IsCnh(number),
        "rg" => CheckDigits.IsRgSp(number),
        "card" => CheckDigits.IsLuhn(number),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
