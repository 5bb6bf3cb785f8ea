<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' Italian facts are read, by Amazon Polly (PutLexicon, rendered for each
     voice's language code) and by espeak-ng (the aliases substituted into the text). Aliases
     only: both engines must read a word the same way. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="it">
  <lexeme><grapheme>.NET</grapheme><alias>dot net</alias></lexeme>
  <lexeme><grapheme>bucket</grapheme><alias>bàchet</alias></lexeme>
  <lexeme><grapheme>build</grapheme><alias>bild</alias></lexeme>
  <lexeme><grapheme>client</grapheme><alias>clàient</alias></lexeme>
  <lexeme><grapheme>CloudFormation</grapheme><alias>claud formèiscion</alias></lexeme>
  <lexeme><grapheme>deploy</grapheme><alias>diplòi</alias></lexeme>
  <lexeme><grapheme>EC2</grapheme><alias>e ci due</alias></lexeme>
  <lexeme><grapheme>ECR</grapheme><alias>e ci erre</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>e ci esse</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>e cappa esse</alias></lexeme>
  <lexeme><grapheme>Gateway</grapheme><alias>ghèituei</alias></lexeme>
  <lexeme><grapheme>gigabyte</grapheme><alias>gigabàit</alias></lexeme>
  <lexeme><grapheme>guided</grapheme><alias>gàided</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>gèison</alias></lexeme>
  <lexeme><grapheme>megabyte</grapheme><alias>megabàit</alias></lexeme>
  <lexeme><grapheme>MySQL</grapheme><alias>mai esse cu elle</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>nod gei es</alias></lexeme>
  <lexeme><grapheme>on demand</grapheme><alias>on dimànd</alias></lexeme>
  <lexeme><grapheme>PostgreSQL</grapheme><alias>post gres cu elle</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>ri invènt</alias></lexeme>
  <lexeme><grapheme>runtime</grapheme><alias>rantàim</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>Sam</alias></lexeme>
  <lexeme><grapheme>X-Ray</grapheme><alias>ex rei</alias></lexeme>
</lexicon>
