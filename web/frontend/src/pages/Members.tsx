import { ComingSoonPage } from '../components/ComingSoonPage';

export default function Members() {
  return <ComingSoonPage section="Members" />;
}
