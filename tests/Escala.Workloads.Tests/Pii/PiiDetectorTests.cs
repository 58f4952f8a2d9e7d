using Escala.Workloads.Pii;

namespace Escala.Workloads.Tests.Pii;

public sealed class PiiDetectorTests
{
    private static IReadOnlyList<PiiEntity> Scan(string text) => PiiDetector.Default.Scan(text);

    /// <summary>The single entity of <paramref name="type"/> found in <paramref name="text"/>, as the text it covers.</summary>
    private static string Only(string text, string type)
    {
        var found = Scan(text).Where(e => e.Type == type).ToList();
        Assert.True(found.Count == 1, $"expected one {type} in «{text}», got: {string.Join(", ", Scan(text).Select(e => $"{e.Type}«{text[(int)e.Start..(int)e.End]}»"))}");
        return text[(int)found[0].Start..(int)found[0].End];
    }

    [Theory]
    [InlineData("CPF: 529.982.247-25.", "529.982.247-25")]
    [InlineData("meu cpf é 52998224725 ok", "52998224725")]
    [InlineData("CPF 529.982.247- 25", "529.982.247- 25")]
    [InlineData("CPF 529.982.\n247-25 (quebrado pelo OCR)", "529.982.\n247-25")]
    [InlineData("C.P.F.: 529.982.247-2S", null)]
    [InlineData("CPF nº 5l9.982.247-25", null)]
    [InlineData("CPF: 529.98Z.247-25", null)]
    public void Cpf_AsWritten_SpanCoversTheNumberAndItsMask(string text, string? expected)
    {
        if (expected is null)
        {
            Assert.DoesNotContain(Scan(text), e => e.Type == PiiTypes.Cpf); // a letter that is no OCR digit, or a wrong digit
            return;
        }

        Assert.Equal(expected, Only(text, PiiTypes.Cpf));
    }

    [Fact]
    public void Cpf_OcrLettersForDigits_ReadAsDigits()
    {
        // 801.624.565-06 with 0 read as O and 1 as l.
        Assert.Equal("8O1.624.565-O6", Only("CPF: 8O1.624.565-O6", PiiTypes.Cpf));
        Assert.Equal("80l.624.565-06", Only("CPF: 80l.624.565-06", PiiTypes.Cpf));
    }

    [Fact]
    public void Cpf_InvalidCheckDigitsUnderACpfLabel_NeverReported()
    {
        Assert.Empty(Scan("CPF: 529.982.247-26"));
        Assert.Empty(Scan("CPF 52998224726"));
    }

    [Theory]
    [InlineData("Protocolo 52998224725")]
    [InlineData("Número do pedido: 529.982.247-25")]
    [InlineData("Nota fiscal nº 52998224725")]
    public void ReferenceNumbers_ThatLookLikeIds_NotReported(string text) => Assert.Empty(Scan(text));

    [Theory]
    [InlineData("CNPJ 11.222.333/0001-81", PiiTypes.Cnpj, "11.222.333/0001-81")]
    [InlineData("CNPJ: 12.ABC.345/01DE-35", PiiTypes.Cnpj, "12.ABC.345/01DE-35")]
    [InlineData("inscrita no CNPJ 12ABC34501DE35.", PiiTypes.Cnpj, "12ABC34501DE35")]
    [InlineData("Cartão SUS: 277 8711 2166 0006", PiiTypes.Cns, "277 8711 2166 0006")]
    [InlineData("CNS 847315847768634", PiiTypes.Cns, "847315847768634")]
    [InlineData("PIS/PASEP: 626.80408.50-9", PiiTypes.Pis, "626.80408.50-9")]
    [InlineData("NIS 62680408509", PiiTypes.Pis, "62680408509")]
    [InlineData("Título de eleitor: 9413 4750 1988", PiiTypes.TituloEleitor, "9413 4750 1988")]
    [InlineData("RENAVAM 47642737203", PiiTypes.Renavam, "47642737203")]
    [InlineData("CNH nº 79087018726", PiiTypes.Cnh, "79087018726")]
    [InlineData("RG: 59.582.819-X SSP/SP", PiiTypes.Rg, "59.582.819-X")]
    [InlineData("RG nº 1.234.567 SSP/MG", PiiTypes.Rg, "1.234.567")]
    [InlineData("Cartão de crédito 4854 6623 2360 6679 validade 08/29", PiiTypes.CreditCard, "4854 6623 2360 6679")]
    [InlineData("CEP 01310-100, São Paulo", PiiTypes.Cep, "01310-100")]
    [InlineData("Tel.: (11) 98765-4321", PiiTypes.Phone, "(11) 98765-4321")]
    [InlineData("whats +55 11 98765-4321 à tarde", PiiTypes.Phone, "+55 11 98765-4321")]
    [InlineData("celular 11987654321", PiiTypes.Phone, "11987654321")]
    [InlineData("fixo (21) 3456-7890", PiiTypes.Phone, "(21) 3456-7890")]
    [InlineData("escreva para joao.silva+lgpd@exemplo.com.br.", PiiTypes.Email, "joao.silva+lgpd@exemplo.com.br")]
    [InlineData("acesso do IP 192.168.10.5 às 10h", PiiTypes.IpAddress, "192.168.10.5")]
    [InlineData("IPv6 2001:db8:85a3::8a2e:370:7334 bloqueado", PiiTypes.IpAddress, "2001:db8:85a3::8a2e:370:7334")]
    [InlineData("Placa: ABC-1234", PiiTypes.VehiclePlate, "ABC-1234")]
    [InlineData("placa BRA2E19 (Mercosul)", PiiTypes.VehiclePlate, "BRA2E19")]
    [InlineData("Chave PIX: 123e4567-e89b-42d3-a456-426614174000", PiiTypes.PixKey, "123e4567-e89b-42d3-a456-426614174000")]
    [InlineData("Agência 1234-5, conta corrente 98765-4", PiiTypes.BankAgency, "1234-5")]
    [InlineData("Agência 1234-5, conta corrente 98765-4", PiiTypes.BankAccount, "98765-4")]
    [InlineData("Data de nascimento: 03/02/1985", PiiTypes.BirthDate, "03/02/1985")]
    [InlineData("nascida em 3 de março de 1985, em Recife", PiiTypes.BirthDate, "3 de março de 1985")]
    public void EachType_FoundWithItsSpan(string text, string type, string expected) => Assert.Equal(expected, Only(text, type));

    [Fact]
    public void BirthDate_OtherEventNearer_NotABirthDate()
    {
        Assert.Empty(Scan("Pedro, nascido em Recife e admitido em 03/02/2015, assumiu o setor."));
        Assert.Empty(Scan("Documento emitido em 03/02/2015."));
    }

    [Fact]
    public void BirthDate_OnlyByTableHeader_FoundInThatColumnOnly()
    {
        var text = "| Nome | Nascimento | Admissão |\n|---|---|---|\n| Ana Souza | 12/05/1980 | 03/02/2015 |\n| Rui Lima | 01/01/1975 | 04/04/2010 |\n";
        var dates = Scan(text).Where(e => e.Type == PiiTypes.BirthDate).Select(e => text[(int)e.Start..(int)e.End]).ToList();
        Assert.Equal(["12/05/1980", "01/01/1975"], dates);

        var csv = "nome;data de nascimento;admissao\nAna;12/05/1980;03/02/2015\n";
        Assert.Equal("12/05/1980", Only(csv, PiiTypes.BirthDate));

        var commas = "nome,cpf,data_nascimento,data_admissao\r\nAna,52998224725,12/05/1980,03/02/2015\r\nRui,80162456506,01/01/1975,04/04/2010\r\n";
        var births = Scan(commas).Where(e => e.Type == PiiTypes.BirthDate).Select(e => commas[(int)e.Start..(int)e.End]).ToList();
        Assert.Equal(["12/05/1980", "01/01/1975"], births);
    }

    [Fact]
    public void BirthDate_ProseWithCommas_NotATable()
    {
        Assert.Empty(Scan("Nascido em Recife, Pernambuco, filho de Ana.\nEm São Paulo, 03/02/2015, foi admitido, sem ressalvas.\n"));
    }

    [Fact]
    public void Offsets_AfterAnEmoji_CodePointsOneLessThanUtf16()
    {
        var text = "oi 👍 meu CPF é 529.982.247-25";
        var cpf = Assert.Single(Scan(text));
        Assert.Equal(text.IndexOf("529", StringComparison.Ordinal), cpf.Start);
        Assert.Equal(cpf.Start - 1, cpf.CodePointStart);
        Assert.Equal(cpf.End - 1, cpf.CodePointEnd);
    }

    [Fact]
    public void Threshold_FormatOnlyWithoutContext_BelowDefaultButAvailableToTheCaller()
    {
        // An unlabelled 11-digit number valid only as a PIS: a weak single check digit, reported only at a low threshold.
        const string text = "valor 62680408509 conferido";
        Assert.Empty(PiiDetector.Default.Scan(text));
        Assert.Contains(PiiDetector.Default.Scan(text, threshold: 0.3), e => e.Type == PiiTypes.Pis);
    }

    [Fact]
    public void Scores_CheckDigitValidWithLabel_ScoreOne()
    {
        Assert.All(Scan("CPF 529.982.247-25, CNPJ 11.222.333/0001-81"), e => Assert.Equal(1.0, e.Score));
    }
}
