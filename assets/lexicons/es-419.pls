<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' Latin American Spanish facts (es-MX, es-US) are read, by Amazon Polly
     (PutLexicon, rendered for each voice's language code) and by espeak-ng (the aliases
     substituted into the text). Aliases only: both engines must read a word the same way.
     Acronyms are spelled with Spanish letter names, the way Latin American developers say them. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="es-419">
  <lexeme><grapheme>.NET</grapheme><alias>dot net</alias></lexeme>
  <lexeme><grapheme>AWS</grapheme><alias>A doble U S</alias></lexeme>
  <lexeme><grapheme>build</grapheme><alias>bild</alias></lexeme>
  <lexeme><grapheme>CloudFormation</grapheme><alias>Claud Forméishon</alias></lexeme>
  <lexeme><grapheme>deploy</grapheme><alias>diplói</alias></lexeme>
  <lexeme><grapheme>EC2</grapheme><alias>E C dos</alias></lexeme>
  <lexeme><grapheme>ECR</grapheme><alias>E C R</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>E C S</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>E K S</alias></lexeme>
  <lexeme><grapheme>Fargate</grapheme><alias>Fárgueit</alias></lexeme>
  <lexeme><grapheme>Gateway</grapheme><alias>Guéitwei</alias></lexeme>
  <lexeme><grapheme>guided</grapheme><alias>gáided</alias></lexeme>
  <lexeme><grapheme>Java</grapheme><alias>Yava</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>yéison</alias></lexeme>
  <lexeme><grapheme>MySQL</grapheme><alias>Mai SQL</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>Noud yei es</alias></lexeme>
  <lexeme><grapheme>Polly</grapheme><alias>Poli</alias></lexeme>
  <lexeme><grapheme>PostgreSQL</grapheme><alias>Póstgre SQL</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>ri invent</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>Sam</alias></lexeme>
  <lexeme><grapheme>skill</grapheme><alias>esquil</alias></lexeme>
  <lexeme><grapheme>Step Functions</grapheme><alias>Step Fánkshons</alias></lexeme>
  <lexeme><grapheme>URL</grapheme><alias>U R L</alias></lexeme>
  <lexeme><grapheme>X-Ray</grapheme><alias>Ex Rei</alias></lexeme>
  <lexeme><grapheme>x86</grapheme><alias>equis ochenta y seis</alias></lexeme>
</lexicon>
