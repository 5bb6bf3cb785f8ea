<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' Brazilian Portuguese facts are read, by Amazon Polly (PutLexicon,
     rendered for each voice's language code) and by espeak-ng (the aliases substituted into the
     text). Aliases only: both engines must read a word the same way. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="pt">
  <lexeme><grapheme>.NET</grapheme><alias>dot net</alias></lexeme>
  <lexeme><grapheme>Alexa</grapheme><alias>Alécsa</alias></lexeme>
  <lexeme><grapheme>API Gateway</grapheme><alias>A P I Gueitwei</alias></lexeme>
  <lexeme><grapheme>Auto Scaling</grapheme><alias>Ôto Squêilin</alias></lexeme>
  <lexeme><grapheme>back-end</grapheme><alias>béqui-end</alias></lexeme>
  <lexeme><grapheme>Batch</grapheme><alias>Bétch</alias></lexeme>
  <lexeme><grapheme>bucket</grapheme><alias>bâquet</alias></lexeme>
  <lexeme><grapheme>build</grapheme><alias>bild</alias></lexeme>
  <lexeme><grapheme>CloudFormation</grapheme><alias>Cláud Formêichon</alias></lexeme>
  <lexeme><grapheme>cluster</grapheme><alias>clâster</alias></lexeme>
  <lexeme><grapheme>deploy</grapheme><alias>diplói</alias></lexeme>
  <lexeme><grapheme>DynamoDB</grapheme><alias>Dáinamo D B</alias></lexeme>
  <lexeme><grapheme>EC2</grapheme><alias>É C 2</alias></lexeme>
  <lexeme><grapheme>ECR</grapheme><alias>É C R</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>É C S</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>É K S</alias></lexeme>
  <lexeme><grapheme>Fargate</grapheme><alias>Fárgueit</alias></lexeme>
  <lexeme><grapheme>gigabyte</grapheme><alias>gigabaite</alias></lexeme>
  <lexeme><grapheme>gigabytes</grapheme><alias>gigabaites</alias></lexeme>
  <lexeme><grapheme>Graviton</grapheme><alias>Gráviton</alias></lexeme>
  <lexeme><grapheme>guided</grapheme><alias>gáided</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>djêisson</alias></lexeme>
  <lexeme><grapheme>kernel</grapheme><alias>kérnel</alias></lexeme>
  <lexeme><grapheme>megabytes</grapheme><alias>megabaites</alias></lexeme>
  <lexeme><grapheme>MySQL</grapheme><alias>Mai SQL</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>Node J S</alias></lexeme>
  <lexeme><grapheme>Polly</grapheme><alias>Póli</alias></lexeme>
  <lexeme><grapheme>PostgreSQL</grapheme><alias>Póstgres SQL</alias></lexeme>
  <lexeme><grapheme>Python</grapheme><alias>Páiton</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>ri invent</alias></lexeme>
  <lexeme><grapheme>Ruby</grapheme><alias>Rúbi</alias></lexeme>
  <lexeme><grapheme>Rust</grapheme><alias>Râst</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>Sam</alias></lexeme>
  <lexeme><grapheme>Step Functions</grapheme><alias>Stép Fânkchons</alias></lexeme>
  <lexeme><grapheme>URLs</grapheme><alias>u erre éles</alias></lexeme>
  <lexeme><grapheme>x86</grapheme><alias>xis oitenta e seis</alias></lexeme>
  <lexeme><grapheme>X-Ray</grapheme><alias>Éks Rei</alias></lexeme>
</lexicon>
